using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Diagnostics;
using Automation.Core.Webhooks;
using Automation.Storage.Webhooks;

namespace Automation.Functions.Webhooks;

/// <summary>
/// <c>POST|GET /api/hooks/{token}</c> (API.md "Webhook endpoint"): finds the rule by the token's hash, checks its guards
/// (IP allow-list, rate, body size, Standard Webhooks signature), builds the payload as Odoo does (spec §4.4), checks it
/// against the rule's JSON Schema, drops a repeated <c>webhook-id</c>, queues the call and answers with its id. The
/// rule's actions run later, from the queue (ARCHITECTURE D9); <c>GET /api/admin/calls/{id}</c> tells how it ended.
/// Accepting a call costs one queue request and no other storage request (two with a <c>webhook-id</c> to de-duplicate).
/// </summary>
public sealed class WebhookIngress(
    WebhookDirectory directory,
    WebhookKeys keys,
    QueuedCalls calls,
    WebhookDeduplication deduplication,
    WebhookRateLimiter rateLimiter,
    WebhookOptions options,
    TimeProvider time,
    ILogger<WebhookIngress> logger)
{
    public static readonly string[] OtherMethods = ["PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    private static readonly byte[] NotFound = """{"status":"error"}"""u8.ToArray();

    public async Task HandleAsync(HttpContext http, string token)
    {
        ArgumentNullException.ThrowIfNull(http);
        var cancellationToken = http.RequestAborted;
        var endpoint = token.Length is > 0 and <= 128 ? await directory.FindAsync(WebhookTokens.Hash(token), cancellationToken) : null;
        if (endpoint is null)
        {
            await WriteAsync(http, 404, NotFound);
            return;
        }

        var rule = endpoint.Rule;
        var guards = endpoint.Guards;
        if (guards.AllowedIps is { } allowed &&
            (ClientAddress.Resolve(http, options.TrustedProxyHops) is not { } client || !allowed.Contains(client)))
        {
            await WriteAsync(http, 403, NotFound);
            return;
        }

        var limit = guards.RateLimitPerMinute ?? options.DefaultRateLimitPerMinute;
        if (limit > 0 && rateLimiter.TryAcquire(rule.Id, limit) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await ErrorAsync(http, 429, string.Create(CultureInfo.InvariantCulture,
                $"Rate limit of {limit} calls per minute exceeded for this webhook; retry after {seconds} s."));
            return;
        }

        var maxBytes = guards.MaxBodyBytes ?? options.MaxBodyBytes;
        var body = await ReadBodyAsync(http.Request, maxBytes, cancellationToken);
        if (body is null)
        {
            await ErrorAsync(http, 413, string.Create(CultureInfo.InvariantCulture, $"The body is larger than this webhook's limit of {maxBytes} bytes."));
            return;
        }

        var headers = http.Request.Headers;
        var webhookId = headers[StandardWebhooks.IdHeader].ToString();
        if (guards.SigningKeys.Count > 0 &&
            StandardWebhooks.Verify(guards.SigningKeys, webhookId, headers[StandardWebhooks.TimestampHeader].ToString(),
                headers[StandardWebhooks.SignatureHeader].ToString(), body, time.GetUtcNow(), options.SignatureTolerance) is { } invalid)
        {
            await ErrorAsync(http, 401, invalid);
            return;
        }

        var query = http.Request.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.Count > 0 ? q.Value[0] ?? "" : "")).ToList();
        var payload = WebhookPayload.Build(body, query, options.MaxJsonDepth);
        if (payload.Json is null)
        {
            await ErrorAsync(http, 400, payload.Error!);
            return;
        }

        if (guards.PayloadSchema is { } schema && schema.Validate(payload.Json, options.MaxJsonDepth) is { Count: > 0 } errors)
        {
            var list = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["path"] = e.Path, ["message"] = e.Message }).ToArray());
            await WriteAsync(http, 422, Encoding.UTF8.GetBytes(new JsonObject { ["status"] = "error", ["errors"] = list }.ToJsonString()));
            return;
        }

        var receivedAt = time.GetUtcNow().UtcDateTime;
        var callId = keys.CallIds.NewId(rule.Id, receivedAt);
        if (webhookId.Length > 0)
        {
            if (webhookId.Length > 256)
            {
                await ErrorAsync(http, 400, "The webhook-id header is longer than 256 characters.");
                return;
            }

            if (await deduplication.ClaimAsync(rule.Id, webhookId, callId, cancellationToken) is { } first)
            {
                await AcceptedAsync(http, first); // seen within 24 h: the first call's id, not queued again
                return;
            }
        }

        try
        {
            await calls.EnqueueAsync(new WebhookCall(callId, rule.Id, receivedAt, payload.Json), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Webhook call for rule {RuleId} could not be queued", rule.Id);
            if (webhookId.Length > 0)
            {
                await ForgetAsync(rule.Id, webhookId);
            }

            http.Response.Headers.RetryAfter = "5";
            await ErrorAsync(http, 503, "The call could not be queued; nothing was done. Retry later.");
            return;
        }

        AutomationTelemetry.Calls.Add(1);
        await AcceptedAsync(http, callId);
    }

    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared)
        {
            if (declared > maxBytes)
            {
                return null;
            }

            var exact = new byte[declared];
            await request.Body.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task ForgetAsync(long ruleId, string webhookId)
    {
        try
        {
            await deduplication.ReleaseAsync(ruleId, webhookId, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Could not forget webhook-id of an unqueued call for rule {RuleId}; the sender's retry within 24 h is taken as a duplicate", ruleId);
        }
    }

    private static Task AcceptedAsync(HttpContext http, string callId) =>
        WriteAsync(http, 200, Encoding.UTF8.GetBytes("{\"status\":\"ok\",\"id\":\"" + callId + "\"}"));

    private static Task ErrorAsync(HttpContext http, int status, string error) =>
        WriteAsync(http, status, Encoding.UTF8.GetBytes(new JsonObject { ["status"] = "error", ["error"] = error }.ToJsonString()));

    private static async Task WriteAsync(HttpContext http, int status, byte[] body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
