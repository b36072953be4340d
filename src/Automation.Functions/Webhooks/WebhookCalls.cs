using Automation.Core.Rules;
using Automation.Core.Webhooks;
using Automation.Functions.Hosting;
using Automation.Storage.Management;
using Automation.Storage.Webhooks;

namespace Automation.Functions.Webhooks;

/// <summary>
/// Queue function on <c>webhook-calls</c>: each call of the message, in order, goes through the
/// <see cref="WebhookProcessor"/>. A call that fails for a reason a retry cannot fix (no record, a ValueError in the
/// rule's code) is recorded as failed; storage trouble fails the invocation, so the queue retries the message, and the
/// calls already finished are not repeated (their runs say so).
/// </summary>
/// <param name="payloads">Keeps a failed call's payload, so the call can be replayed once its rule is fixed (management API).</param>
public sealed class WebhookCalls(QueuedCalls calls, WebhookProcessor processor, ILogger<WebhookCalls> logger, RunPayloads? payloads = null) : IQueueFunction
{
    public string Name => "WebhookCalls";

    public async Task RunAsync(QueueTrigger trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        foreach (var queued in await calls.ResolveAsync(trigger.MessageText, cancellationToken))
        {
            var trace = await processor.ProcessAsync(queued.Call, cancellationToken);
            if (trace.Status == RuleRun.Failed)
            {
                logger.LogWarning("Webhook call {CallId} of rule {RuleId} failed: {Error}", queued.Call.Id, queued.Call.RuleId, trace.Error);
                if (payloads is not null && queued.Call.Payload is { } payload)
                {
                    await payloads.SaveAsync(queued.Call.RuleId, RuleRun.KeyFor(queued.Call.Id, queued.Call.ReceivedAt), payload, cancellationToken);
                }
            }

            await calls.CompleteAsync(queued, cancellationToken);
        }
    }
}
