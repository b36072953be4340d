using Automation.Core.Diagnostics;
using Automation.Core.Rules;
using Automation.Functions.Hosting;
using Automation.Storage.Records;

namespace Automation.Functions.Rules;

/// <summary>
/// Queue function on <c>record-events</c>: each change event of the message goes through the rule engine, one record's
/// changes in commit order and different records' side by side (a message carries what was committed together). A failure
/// the engine cannot record as a failed run (storage trouble) fails the invocation, so the queue retries the message;
/// the runs already completed are not repeated (their run records say so). Failed runs are logged by the engine's
/// <see cref="RuleEngineOptions.RunFailed"/>, inline ones included.
/// </summary>
public sealed class RecordEvents(PendingEvents events, RuleEngine engine, ILogger<RecordEvents> logger) : IQueueFunction
{
    public string Name => "RecordEvents";

    public async Task RunAsync(QueueTrigger trigger, CancellationToken cancellationToken)
    {
        // A message carries the changes committed together: one record's in order, different records' side by side.
        var resolved = await events.ResolveAsync(trigger.MessageText, cancellationToken);
        var byRecord = resolved.GroupBy(e => (e.Change.Model, e.Change.RecordId)).ToList();
        if (byRecord.Count == 1)
        {
            await HandleInOrderAsync(resolved, trigger, cancellationToken);
            return;
        }

        await Task.WhenAll(byRecord.Select(group => Task.Run(() => HandleInOrderAsync(group.ToList(), trigger, cancellationToken), cancellationToken)));
    }

    private async Task HandleInOrderAsync(IReadOnlyList<ResolvedEvent> resolved, QueueTrigger trigger, CancellationToken cancellationToken)
    {
        foreach (var (change, claimChecked, resent) in resolved)
        {
            // The trace of the write that made the change goes on here; each run adds its rule and run ids (RunScope).
            using var activity = AutomationTelemetry.StartConsumer(PendingEvents.QueueName, change.TraceParent)?
                .SetTag(AutomationTelemetry.EventIdTag, change.Id)
                .SetTag(AutomationTelemetry.ChainIdTag, change.Chain.Id)
                .SetTag("automation.model", change.Model)
                .SetTag("automation.record_id", change.RecordId);
            using var scope = LogScopes.Begin(logger, (LogScopes.EventId, change.Id), (LogScopes.ChainId, change.Chain.Id));
            try
            {
                await engine.HandleAsync(change, cancellationToken, firstDelivery: trigger.DequeueCount == 1 && !claimChecked && !resent);
            }
            catch (Exception e)
            {
                AutomationTelemetry.Failed(activity, e);
                throw;
            }

            if (claimChecked)
            {
                // Its entity waited for this handler; inline events have none left.
                await events.CompleteAsync(change, cancellationToken);
            }
        }
    }
}
