using Automation.Core.Rules;
using Automation.Functions.Hosting;
using Automation.Storage.Records;

namespace Automation.Functions.Rules;

/// <summary>
/// Queue function on <c>record-events</c>: each change event of the message goes through the rule engine. A failure
/// the engine cannot record as a failed run (storage trouble) fails the invocation, so the queue retries the message;
/// the runs already completed are not repeated (their run records say so).
/// </summary>
public sealed class RecordEvents(PendingEvents events, RuleEngine engine, ILogger<RecordEvents> logger) : IQueueFunction
{
    public string Name => "RecordEvents";

    public async Task RunAsync(QueueTrigger trigger, CancellationToken cancellationToken)
    {
        foreach (var (change, claimChecked) in await events.ResolveAsync(trigger.MessageText, cancellationToken))
        {
            var runs = await engine.HandleAsync(change, cancellationToken, firstDelivery: trigger.DequeueCount == 1 && !claimChecked);
            foreach (var run in runs.Where(r => r.Status == RuleRun.Failed))
            {
                logger.LogError("Rule {RuleId} failed on {Model} {RecordId} (event {EventId}, chain {ChainId}): {Error}",
                    run.RuleId, change.Model, change.RecordId, change.Id, change.Chain.Id, run.Error);
            }

            if (claimChecked)
            {
                // Its entity waited for this handler; inline events have none left.
                await events.CompleteAsync(change, cancellationToken);
            }
        }
    }
}
