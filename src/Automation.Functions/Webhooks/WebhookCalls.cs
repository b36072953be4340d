using Automation.Core.Diagnostics;
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
            var call = queued.Call;
            var key = RuleRun.KeyFor(call.Id, call.ReceivedAt);
            // The call's trace goes on from the request that accepted it; its ids are on every line written meanwhile.
            using var activity = AutomationTelemetry.StartConsumer(QueuedCalls.QueueName, queued.TraceParent)?
                .SetTag(AutomationTelemetry.CallIdTag, call.Id)
                .SetTag(AutomationTelemetry.RuleIdTag, call.RuleId)
                .SetBaggage(AutomationTelemetry.CallIdTag, call.Id);
            using var scope = LogScopes.Begin(logger, (LogScopes.RuleId, call.RuleId), (LogScopes.CallId, call.Id),
                (LogScopes.RunId, RuleRun.IdOf(call.RuleId, key)), (LogScopes.ChainId, call.Id));
            try
            {
                var trace = await processor.ProcessAsync(call, cancellationToken);
                if (trace.Status == RuleRun.Failed)
                {
                    logger.LogWarning("Webhook call {CallId} of rule {RuleId} failed: {Error}", call.Id, call.RuleId, trace.Error);
                    if (payloads is not null && call.Payload is { } payload)
                    {
                        await payloads.SaveAsync(call.RuleId, key, payload, cancellationToken);
                    }
                }

                await calls.CompleteAsync(queued, cancellationToken);
            }
            catch (Exception e)
            {
                AutomationTelemetry.Failed(activity, e);
                throw;
            }
        }
    }
}
