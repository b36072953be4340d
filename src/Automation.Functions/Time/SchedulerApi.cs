using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Time;
using Automation.Functions.Api;
using Automation.Functions.Hosting;

namespace Automation.Functions.Time;

/// <summary>
/// API.md "Scheduler": <c>GET /api/admin/scheduler</c> (the job, and for each active time rule its <c>last_run</c>, next
/// due moment and how late it can fire), <c>PUT</c> (the interval), <c>POST /api/admin/scheduler/run</c> (check now).
/// </summary>
public static class SchedulerApi
{
    public static RouteGroupBuilder MapSchedulerApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var scheduler = api.MapGroup("/admin/scheduler").WithTags("Scheduler");
        scheduler.MapGet("", GetAsync).RequireScope(Scopes.RulesRead);
        scheduler.MapPut("", PutAsync).RequireScope(Scopes.RulesWrite);
        scheduler.MapPost("/run", RunAsync).RequireScope(Scopes.RulesWrite);
        return api;
    }

    private static async Task<IResult> GetAsync(SchedulerOverview overview, FunctionCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var tick = Tick(catalog, time);
        var view = await overview.GetAsync(tick, cancellationToken);
        return TypedResults.Ok(ToJson(view, catalog));
    }

    private static async Task<IResult> PutAsync(HttpContext http, TimeRuleScheduler scheduler, SchedulerOverview overview, FunctionCatalog catalog,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var body = await RecordsApi.ReadObjectAsync(http.Request, cancellationToken);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var key in body.Select(p => p.Key).Where(k => k is not ("interval_minutes" or "interval_number" or "interval_type")))
        {
            errors[key] = [$"Unknown field '{key}'. Set the interval with interval_minutes, or interval_number and interval_type."];
        }

        long? minutes = null;
        if (body["interval_minutes"] is { } given)
        {
            minutes = given is JsonValue v && v.TryGetValue<long>(out var m) ? m : null;
            if (minutes is null)
            {
                errors["interval_minutes"] = ["Expected an integer number of minutes."];
            }
        }
        else if (body["interval_number"] is { } number)
        {
            var type = body["interval_type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
            minutes = number is JsonValue n && n.TryGetValue<long>(out var count) ? SchedulerInterval.ToMinutes(count, type) : null;
            if (minutes is null)
            {
                errors["interval_number"] = ["Expected an integer interval_number and an interval_type of minutes, hours, days, weeks or months."];
            }
        }
        else if (errors.Count == 0)
        {
            errors["interval_minutes"] = ["Give the interval: interval_minutes, or interval_number and interval_type."];
        }

        if (minutes is < SchedulerInterval.MinimumMinutes or > SchedulerInterval.MaximumManualMinutes)
        {
            errors["interval_minutes"] = [string.Create(CultureInfo.InvariantCulture,
                $"The interval must be from {SchedulerInterval.MinimumMinutes} minute to {SchedulerInterval.MaximumManualMinutes} minutes (30 days).")];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The scheduler settings are not valid.");
        }

        await scheduler.SetIntervalAsync((int)minutes!.Value, cancellationToken);
        return TypedResults.Ok(ToJson(await overview.GetAsync(Tick(catalog, time), cancellationToken), catalog));
    }

    /// <summary>"Run manually": the check now, whether due or not; 409 while another check runs.</summary>
    private static async Task<IResult> RunAsync(TimeRuleJob job, CancellationToken cancellationToken)
    {
        var result = await job.RunAsync(manual: true, cancellationToken);
        if (result.Status == CheckResult.Busy)
        {
            return TypedResults.Problem(statusCode: 409, title: "A check is running",
                detail: "Another check of the time rules is running; its outcome appears in GET /api/admin/scheduler when it ends.");
        }

        return TypedResults.Ok(new JsonObject
        {
            ["status"] = result.Status,
            ["now"] = Format(result.Now),
            ["rules"] = new JsonArray(result.Rules.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.RuleId,
                ["name"] = r.Name,
                ["status"] = r.Status,
                ["processed"] = r.Processed,
                ["already_done"] = r.AlreadyDone,
                ["failed"] = r.Failed,
                ["entries_read"] = r.EntriesRead,
                ["records_read"] = r.RecordsRead,
                ["last_run"] = Format(r.LastRun),
                ["error"] = r.Error,
                ["duration_ms"] = Math.Round(r.DurationMs, 1),
            }).ToArray()),
        });
    }

    private static JsonObject ToJson(SchedulerView view, FunctionCatalog catalog)
    {
        var (number, type) = SchedulerInterval.Express(view.Scheduler.IntervalMinutes);
        return new JsonObject
        {
            ["active"] = view.Scheduler.Active,
            ["interval_minutes"] = view.Scheduler.IntervalMinutes,
            ["interval_number"] = number,
            ["interval_type"] = type,
            ["last_check"] = Format(view.Scheduler.LastCheck),
            ["next_check"] = Format(view.Scheduler.NextCheck),
            ["last_status"] = view.Scheduler.LastStatus,
            ["last_error"] = view.Scheduler.LastError,
            ["timer_schedule"] = catalog.Find("TimeRules")?.Schedule,
            ["tick_seconds"] = view.Tick.TotalSeconds,
            ["max_lateness_minutes"] = Math.Round(view.MaxLateness.TotalMinutes, 2),
            ["rules"] = new JsonArray(view.Rules.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Rule.Id,
                ["name"] = r.Rule.Name,
                ["model"] = r.Rule.Model,
                ["trigger"] = r.Rule.Trigger,
                ["last_run"] = Format(r.LastRun),
                ["next_due"] = Format(r.NextDue),
                ["fires_by"] = Format(r.FiresBy),
                ["index"] = r.Index,
                ["status"] = r.State?.Status,
                ["error"] = r.State?.Error,
                ["window_in_progress"] = Format(r.State?.WindowNow),
            }).ToArray()),
        };
    }

    /// <summary>The timer's period: the gap between its next two occurrences (one minute by default).</summary>
    private static TimeSpan Tick(FunctionCatalog catalog, TimeProvider time)
    {
        if (catalog.Find("TimeRules")?.Schedule is not { } expression)
        {
            return TimeSpan.FromMinutes(1);
        }

        var schedule = TimerSchedule.Parse(expression, "TimeRules");
        var first = schedule.NextAfter(time.GetUtcNow());
        return schedule.NextAfter(first) - first;
    }

    /// <summary>ISO 8601 UTC to the tick (a window bound must read exactly), trailing zeros dropped.</summary>
    private static string? Format(DateTime? value) =>
        value?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
