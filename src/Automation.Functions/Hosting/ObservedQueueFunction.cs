using Automation.Storage;
using Automation.Storage.Management;

namespace Automation.Functions.Hosting;

/// <summary>
/// A queue function as both hosting modes invoke it. A failure is recorded in the <see cref="QueueFailureLog"/> (keyed by
/// the message text, which is what survives the move to <c>&lt;queue&gt;-poison</c>) and then propagates, so the queue
/// retries the message or dead-letters it as before; a message that succeeds after failing has its record removed.
/// </summary>
public sealed class ObservedQueueFunction(IQueueFunction inner, string queueName, QueueFailureLog? failures, TimeProvider time, ILogger logger)
    : IQueueFunction
{
    public string Name => inner.Name;

    public string QueueName => queueName;

    public async Task RunAsync(QueueTrigger trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        try
        {
            await inner.RunAsync(trigger, cancellationToken);
        }
        catch (Exception e) when (failures is not null && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            await RecordQuietlyAsync(() => failures.RecordAsync(queueName, trigger.MessageText, trigger.MessageId, trigger.DequeueCount,
                $"{e.GetType().Name}: {StorageFailure.Describe(e)}", time.GetUtcNow().UtcDateTime, CancellationToken.None));
            throw;
        }

        if (trigger.DequeueCount > 1 && failures is not null)
        {
            await RecordQuietlyAsync(() => failures.ForgetAsync(queueName, trigger.MessageText, CancellationToken.None));
        }
    }

    /// <summary>The record is for people; a storage hiccup writing it must not change how the message is settled.</summary>
    private async Task RecordQuietlyAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception e) when (StorageFailure.IsStorageFailure(e))
        {
            logger.LogWarning(e, "Could not record the failure of a message on {Queue}", queueName);
        }
    }
}
