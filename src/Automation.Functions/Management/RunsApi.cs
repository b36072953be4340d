using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Events;
using Automation.Core.Rules;
using Automation.Core.Webhooks;
using Automation.Functions.Api;
using Automation.Functions.Webhooks;
using Automation.Storage.Management;
using Automation.Storage.Records;
using Microsoft.AspNetCore.Mvc;

namespace Automation.Functions.Management;

/// <summary>
/// API.md "Scheduler, runs, dead letters, deliveries": run history (<c>GET /api/admin/runs?rule_id=&amp;status=&amp;limit=&amp;cursor=</c>,
/// newest first), one run, and the replay of a failed run once its rule is fixed.
/// </summary>
public static class RunsApi
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    private static readonly string[] Statuses = [RuleRun.Running, RuleRun.Done, RuleRun.Failed];

    public static RouteGroupBuilder MapRunsApi(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/admin/runs").WithTags("Runs");
        runs.MapGet("", ListAsync).RequireScope(Scopes.RulesRead);
        runs.MapGet("/{id}", GetAsync).RequireScope(Scopes.RulesRead);
        runs.MapPost("/{id}/replay", ReplayAsync).RequireScope(Scopes.RulesWrite);
        return api;
    }

    private static async Task<IResult> ListAsync([FromQuery(Name = "rule_id")] long? ruleId, string? status, int? limit, string? cursor, TableRunLog runs, IRuleStore rules,
        WebhookKeys keys, CancellationToken cancellationToken)
    {
        var errors = new Core.Records.FieldErrors();
        if (status is not null && !Statuses.Contains(status))
        {
            errors.Add("status", $"status must be one of {string.Join(", ", Statuses)}.");
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"limit must be between 1 and {MaxLimit}.");
        }

        if (ruleId is < 1)
        {
            errors.Add("rule_id", "rule_id must be a rule id.");
        }

        TableRunLog.RunCursor? after = null;
        if (cursor is not null && (after = DecodeCursor(cursor)) is null)
        {
            errors.Add("cursor", "The cursor is not one this API returned.");
        }

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The run query is not valid.");
        }

        var all = await rules.ListAsync(cancellationToken);
        var names = all.ToDictionary(r => r.Id, r => r.Name);
        IReadOnlyCollection<long> ids = ruleId is { } one ? [one] : all.Select(r => r.Id).ToList();
        var page = await runs.QueryAsync(ids, status, limit ?? DefaultLimit, after, cancellationToken);
        return TypedResults.Ok(new JsonObject
        {
            ["runs"] = new JsonArray(page.Runs.Select(r => (JsonNode)ToJson(r, names.GetValueOrDefault(r.RuleId), keys)).ToArray()),
            ["next_cursor"] = page.Next is { } next ? EncodeCursor(next) : null,
        });
    }

    private static async Task<IResult> GetAsync(string id, TableRunLog runs, IRuleStore rules, WebhookKeys keys, CancellationToken cancellationToken)
    {
        if (ParseId(id) is not var (ruleId, key) || await runs.FindAsync(ruleId, key, cancellationToken) is not { } run)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(ToJson(run, (await rules.GetAsync(ruleId, cancellationToken))?.Name, keys));
    }

    /// <summary>
    /// Runs a failed run again with the rule as it is now, from the action that failed (the actions that had succeeded are
    /// not repeated), in the same run record: a replay never duplicates a run. A webhook call goes through its record
    /// getter again with the payload kept when it failed; a record event's run runs on its record as the user who made the
    /// change. Concurrent replays of one run: one runs, the others get 409.
    /// </summary>
    private static async Task<IResult> ReplayAsync(string id, HttpContext http, TableRunLog runs, IRuleStore rules, RunPayloads payloads,
        WebhookKeys keys, WebhookProcessor processor, RuleEngine engine, TimeProvider time, CancellationToken cancellationToken)
    {
        if (ParseId(id) is not var (ruleId, key) || await runs.FindAsync(ruleId, key, cancellationToken) is not { } run)
        {
            return NotFound(id);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (await rules.GetAsync(ruleId, cancellationToken) is not { } rule)
        {
            return Conflict($"Rule {ruleId} no longer exists, so its run cannot be replayed.");
        }

        if (!TableRunLog.IsReplayable(run, now))
        {
            return Conflict(run.Status == RuleRun.Done
                ? "The run succeeded; there is nothing to replay."
                : "The run is still running (or claimed by a processor); replay it once it has failed.");
        }

        var call = keys.CallIds.Read(run.SourceId);
        string? payload = null;
        ChangeEvent? change = null;
        if (call is not null)
        {
            payload = await payloads.GetAsync(ruleId, key, cancellationToken);
            if (payload is null)
            {
                return Conflict("The call's payload was not kept (it failed before payloads were kept, or the retention removed it); send the call again.");
            }
        }
        else
        {
            if (rule.Trigger == Triggers.OnUnlink)
            {
                return Conflict("Runs of on-deletion rules cannot be replayed: the deleted record's last image is not kept.");
            }

            if (run.RecordIds.Count != 1 || AtOf(key) is not { } at || RuleRun.KeyFor(run.SourceId, at) != key)
            {
                return Conflict("This run does not say which record and event it was for, so it cannot be replayed.");
            }

            change = new ChangeEvent
            {
                Id = run.SourceId,
                Kind = ChangeKind.Write,
                Model = rule.Model,
                RecordId = run.RecordIds[0],
                Actor = new Actor(run.Uid ?? 1),
                Chain = new CausalChain(run.ChainId ?? CausalChain.Start().Id, 0, []),
                At = at,
            };
        }

        if (await runs.ReopenAsync(ruleId, key, now, http.Caller().KeyId, cancellationToken) is null)
        {
            return Conflict("Another replay of this run started first.");
        }

        try
        {
            if (call is { } c)
            {
                await processor.ProcessAsync(new WebhookCall(run.SourceId, ruleId, c.ReceivedAt, payload), cancellationToken);
            }
            else
            {
                await engine.ReplayAsync(rule, run.RecordIds[0], change!, cancellationToken);
            }
        }
        catch (RunBusyException)
        {
            return Conflict("Another replay of this run started first.");
        }

        var replayed = await runs.FindAsync(ruleId, key, cancellationToken) ?? run;
        return TypedResults.Ok(ToJson(replayed, rule.Name, keys));
    }

    internal static JsonObject ToJson(RuleRun run, string? ruleName, WebhookKeys keys) => new()
    {
        ["id"] = IdOf(run),
        ["rule_id"] = run.RuleId,
        ["rule_name"] = ruleName,
        ["status"] = run.Status,
        ["error"] = run.Error,
        ["source"] = new JsonObject
        {
            ["type"] = keys.CallIds.Read(run.SourceId) is null ? "record_event" : "webhook_call",
            ["id"] = run.SourceId,
        },
        ["model"] = run.Model,
        ["record_ids"] = new JsonArray(run.RecordIds.Select(r => (JsonNode)r).ToArray()),
        ["user_id"] = run.Uid,
        ["chain_id"] = run.ChainId,
        ["actions_done"] = run.ActionsDone,
        ["actions"] = new JsonArray(run.Outcomes.Select(o => (JsonNode)new JsonObject
        {
            ["name"] = o.Action,
            ["state"] = o.State,
            ["status"] = o.Status,
            ["error"] = o.Error,
            ["duration_ms"] = Math.Round(o.DurationMs, 2),
        }).ToArray()),
        ["started_at"] = KeysApi.Timestamp(run.StartedAt),
        ["finished_at"] = run.FinishedAt is { } f ? KeysApi.Timestamp(f) : null,
        ["replays"] = new JsonArray(run.PreviousAttempts.Select(a => (JsonNode)new JsonObject
        {
            ["replayed_at"] = KeysApi.Timestamp(a.ReplayedAt),
            ["replayed_by"] = a.ReplayedBy,
            ["previous_status"] = a.Status,
            ["previous_error"] = a.Error,
            ["previous_finished_at"] = a.FinishedAt is { } pf ? KeysApi.Timestamp(pf) : null,
        }).ToArray()),
    };

    /// <summary>A run's id: <c>&lt;rule id&gt;-&lt;run key&gt;</c>.</summary>
    public static string IdOf(RuleRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return RuleRun.IdOf(run.RuleId, run.Key);
    }

    private static (long RuleId, string Key)? ParseId(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash < id.Length - 21 && id.Length < 300 &&
               long.TryParse(id.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ruleId) && ruleId > 0 &&
               id.AsSpan(dash + 1, 19).ContainsOnlyDigits() && !id.AsSpan(dash + 1).ContainsAny("/\\#?")
            ? (ruleId, id[(dash + 1)..])
            : null;
    }

    /// <summary>The moment a run key was made for: keys start with inverted ticks (<see cref="RuleRun.KeyFor"/>).</summary>
    private static DateTime? AtOf(string key) =>
        long.TryParse(key.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var inverted) && long.MaxValue - inverted is var ticks &&
        ticks is >= 0 && ticks <= DateTime.MaxValue.Ticks
            ? new DateTime(ticks, DateTimeKind.Utc)
            : null;

    private static string EncodeCursor(TableRunLog.RunCursor cursor) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes((cursor.Inclusive ? "ge:" : "gt:") + cursor.Key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static TableRunLog.RunCursor? DecodeCursor(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            return text.Length is > 22 and < 300 && text[2] == ':' && text[3..22].All(char.IsAsciiDigit) && !text.AsSpan(3).ContainsAny("/\\#?'")
                ? new TableRunLog.RunCursor(text[3..], text.StartsWith("ge:", StringComparison.Ordinal))
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no run '{id}'.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: 409, title: "Cannot replay", detail: detail);

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
