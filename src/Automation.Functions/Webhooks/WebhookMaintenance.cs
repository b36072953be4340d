using Automation.Functions.Hosting;
using Automation.Storage.Webhooks;

namespace Automation.Functions.Webhooks;

/// <summary>
/// Timer function: removes what webhooks leave behind once it is of no use: <c>webhook-id</c> entries older than the
/// 24-hour window, "Log Calls" lines older than the retention, and claim-check payloads older than a queue message can
/// live (7 days) plus a day.
/// </summary>
public sealed class WebhookMaintenance(
    WebhookDeduplication deduplication,
    TableWebhookLog log,
    QueuedCalls calls,
    WebhookOptions options,
    TimeProvider time,
    ILogger<WebhookMaintenance> logger) : ITimerFunction
{
    public static readonly TimeSpan PayloadAge = TimeSpan.FromDays(8);

    public string Name => "WebhookMaintenance";

    public async Task RunAsync(TimerTrigger trigger, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ids = await deduplication.SweepAsync(cancellationToken);
        var lines = await log.SweepAsync(now - options.LogRetention, cancellationToken);
        var payloads = await calls.SweepAsync(PayloadAge, now, cancellationToken);
        if (ids + lines + payloads > 0)
        {
            logger.LogInformation("Webhook maintenance removed {Ids} expired webhook-ids, {Lines} log lines and {Payloads} orphaned payloads",
                ids, lines, payloads);
        }
    }
}
