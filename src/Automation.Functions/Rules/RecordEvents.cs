using Automation.Core.Rules;
using Automation.Functions.Hosting;
using Automation.Storage.Records;

namespace Automation.Functions.Rules;

/// <summary>
/// Queue function on <c>record-events</c>: each change event of the message goes through the rule engine. A failure
/// the engine cannot record as a failed run (storage trouble) fails the invocation, so the queue retries the message;
/// the runs already completed are not repeated (their run records say so). Failed runs are logged by the engine's
/// <see cref="RuleEngineOptions.RunFailed"/>, inline ones included.
/// </summary>
public sealed class RecordEvents(PendingEvents events, RuleEngine engine) : IQueueFunction
{
    public string Name => "RecordEvents";

    public async Task RunAsync(QueueTrigger trigger, CancellationToken cancellationToken)
    {
        foreach (var (change, claimChecked) in await events.ResolveAsync(trigger.MessageText, cancellationToken))
        {
            await engine.HandleAsync(change, cancellationToken, firstDelivery: trigger.DequeueCount == 1 && !claimChecked);

            if (claimChecked)
            {
                // Its entity waited for this handler; inline events have none left.
                await events.CompleteAsync(change, cancellationToken);
            }
        }
    }
}
