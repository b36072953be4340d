using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Core.Webhooks;
using Automation.Functions.Api;
using Automation.Storage.Webhooks;

namespace Automation.Functions.Webhooks;

/// <summary>
/// API.md "Calls" and the webhook routes of "Rules": <c>GET /api/admin/calls/{id}</c>,
/// <c>POST /api/admin/rules/{id}/rotate-secret</c>, <c>GET /api/admin/rules/{id}/logs</c>, <c>POST /api/admin/rules/{id}/test</c>.
/// </summary>
public static class WebhookAdminApi
{
    /// <summary>The longest <c>?wait=</c> a caller may ask for on a call.</summary>
    public const int MaxWaitSeconds = 30;

    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapMethods("/hooks/{token}", ["GET", "POST"], (HttpContext http, string token, WebhookIngress ingress) => ingress.HandleAsync(http, token))
            .WithName("WebhookIngress")
            .AllowAnonymous();
        api.MapMethods("/hooks/{token}", WebhookIngress.OtherMethods, (HttpContext http, string token) =>
        {
            http.Response.Headers.Allow = "GET, POST";
            return Results.StatusCode(405);
        }).AllowAnonymous();

        api.MapGet("/admin/calls/{id}", CallAsync).RequireScope(Scopes.RulesRead).WithTags("Calls");
        var rules = api.MapGroup("/admin/rules").WithTags("Rules");
        rules.MapPost("/{id:long}/rotate-secret", RotateAsync).RequireScope(Scopes.RulesWrite);
        rules.MapGet("/{id:long}/logs", LogsAsync).RequireScope(Scopes.RulesRead);
        rules.MapPost("/{id:long}/test", TestAsync).RequireScope(Scopes.RulesRead);
        return api;
    }

    /// <summary>A call's outcome; <c>?wait=n</c> waits up to n seconds for it to finish (scripts and the README use it).</summary>
    private static async Task<IResult> CallAsync(string id, int? wait, WebhookKeys keys, IRunLog runs, TimeProvider time, CancellationToken cancellationToken)
    {
        if (keys.CallIds.Read(id) is not { } call)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no call '{id}'.");
        }

        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, MaxWaitSeconds));
        var key = RuleRun.KeyFor(id, call.ReceivedAt);
        var delay = TimeSpan.FromMilliseconds(25);
        while (true)
        {
            var run = await runs.FindAsync(call.RuleId, key, cancellationToken);
            if (run is { Status: RuleRun.Done or RuleRun.Failed } || time.GetUtcNow() >= deadline)
            {
                return TypedResults.Json(new JsonObject
                {
                    ["id"] = id,
                    ["rule_id"] = call.RuleId,
                    ["status"] = run?.Status ?? "queued",
                    ["error"] = run?.Error,
                    ["received_at"] = Timestamp(call.ReceivedAt),
                    ["finished_at"] = run?.FinishedAt is { } finished ? Timestamp(finished) : null,
                    ["record_ids"] = new JsonArray((run?.RecordIds ?? []).Select(r => (JsonNode)r).ToArray()),
                });
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    private static async Task<IResult> RotateAsync(long id, HttpContext http, IRuleStore rules, WebhookTokens tokens, WebhookDirectory directory,
        WebhookUrls urls, CancellationToken cancellationToken)
    {
        if (await rules.GetAsync(id, cancellationToken) is not { } rule)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no rule {id}.");
        }

        if (rule.Trigger != Triggers.OnWebhook)
        {
            return TypedResults.Problem(statusCode: 409, title: "Not a webhook rule",
                detail: $"Rule {id} has trigger '{rule.Trigger}'; only 'on_webhook' rules have a URL.");
        }

        var token = await tokens.IssueAsync(id, cancellationToken);
        directory.Invalidate();
        return TypedResults.Json(new JsonObject { ["url"] = urls.For(http.Request, token) });
    }

    private static async Task<IResult> LogsAsync(long id, int? limit, IWebhookLog log, CancellationToken cancellationToken)
    {
        var entries = await log.ListAsync(id, Math.Clamp(limit ?? 100, 1, 1000), cancellationToken);
        return TypedResults.Json(new JsonArray(entries.Select(e => (JsonNode)new JsonObject
        {
            ["at"] = Timestamp(e.At),
            ["level"] = e.Level,
            ["message"] = e.Message,
            ["call_id"] = e.CallId,
        }).ToArray()));
    }

    /// <summary>
    /// Runs a rule now on <c>{"payload": …}</c> (through its record getter) or <c>{"record_id": n}</c>. A dry run (the
    /// default) works on a scratch copy of the records and records nothing; a real run (<c>"dry_run": false</c>, scope
    /// <c>rules:write</c>) changes records, fires other rules, and is recorded as a call.
    /// </summary>
    private static async Task<IResult> TestAsync(long id, HttpContext http, IRuleStore rules, IRecordStore store, WebhookProcessor processor,
        WebhookKeys keys, WebhookOptions options, TimeProvider time, Storage.Management.RunPayloads payloads, CancellationToken cancellationToken)
    {
        if (await rules.GetAsync(id, cancellationToken) is not { } rule)
        {
            return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no rule {id}.");
        }

        var body = await RecordsApi.ReadObjectAsync(http.Request, cancellationToken);
        var errors = new FieldErrors();
        foreach (var key in body.Select(p => p.Key).Where(k => k is not ("payload" or "record_id" or "dry_run")))
        {
            errors.Add(key, $"Unknown field '{key}'. Send payload or record_id, and dry_run.");
        }

        var dryRun = body["dry_run"] is not JsonValue d || !d.TryGetValue<bool>(out var flag) || flag;
        long? recordId = null;
        if (body["record_id"] is { } rid)
        {
            if (rid is JsonValue r && r.TryGetValue<long>(out var parsed) && parsed > 0)
            {
                recordId = parsed;
            }
            else
            {
                errors.Add("record_id", "Expected a record id.");
            }
        }

        string? payload = null;
        if (body["payload"] is { } p)
        {
            payload = p.ToJsonString();
            if (Depth(p) > options.MaxJsonDepth)
            {
                errors.Add("payload", string.Create(CultureInfo.InvariantCulture, $"The payload is nested deeper than {options.MaxJsonDepth} levels."));
            }
        }

        if (recordId is null && payload is null)
        {
            errors.Add("payload", "Send a payload (run through the rule's record getter) or a record_id.");
        }

        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The test request is not valid.");
        }

        if (!dryRun && !http.Caller().Has(Scopes.RulesWrite))
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: $"A real run (dry_run false) needs the '{Scopes.RulesWrite}' scope.");
        }

        var receivedAt = time.GetUtcNow().UtcDateTime;
        var callId = keys.CallIds.NewId(rule.Id, receivedAt);
        var trace = await processor.TestAsync(rule, payload, recordId, callId, receivedAt, dryRun ? new ScratchRecordStore(store) : null,
            cancellationToken);
        if (!dryRun && trace.Status == RuleRun.Failed && payload is not null)
        {
            await payloads.SaveAsync(rule.Id, RuleRun.KeyFor(callId, receivedAt), payload, cancellationToken); // replayable like a queued call
        }

        return TypedResults.Json(ToJson(trace, dryRun));
    }

    private static JsonObject ToJson(WebhookTrace trace, bool dryRun) => new()
    {
        ["call_id"] = dryRun ? null : trace.CallId,
        ["rule_id"] = trace.RuleId,
        ["dry_run"] = dryRun,
        ["status"] = trace.Status,
        ["error"] = trace.Error,
        ["traceback"] = trace.Traceback,
        ["payload"] = trace.Payload?.DeepClone(),
        ["model"] = trace.Model,
        ["record_ids"] = new JsonArray(trace.RecordIds.Select(r => (JsonNode)r).ToArray()),
        ["actions"] = new JsonArray(trace.Actions.Select(a => (JsonNode)new JsonObject
        {
            ["record_id"] = a.RecordId,
            ["action"] = a.Action,
            ["state"] = a.State,
            ["status"] = a.Status,
            ["error"] = a.Error,
            ["duration_ms"] = Math.Round(a.DurationMs, 2),
        }).ToArray()),
        ["changes"] = new JsonArray(trace.Changes.Select(c => (JsonNode)new JsonObject
        {
            ["model"] = c.Model,
            ["id"] = c.Id,
            ["kind"] = c.Kind,
            ["values"] = c.Values?.DeepClone(),
        }).ToArray()),
        ["logs"] = new JsonArray(trace.Logs.Select(l => (JsonNode)l).ToArray()),
    };

    /// <summary>ISO 8601 UTC with milliseconds: calls and log lines are ordered and timed more finely than records.</summary>
    private static string Timestamp(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static int Depth(JsonNode? node) => node switch
    {
        JsonObject o => 1 + (o.Count == 0 ? 0 : o.Max(p => Depth(p.Value))),
        JsonArray a => 1 + (a.Count == 0 ? 0 : a.Max(Depth)),
        _ => 0,
    };
}
