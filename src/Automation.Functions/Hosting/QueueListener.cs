using Automation.Storage;
using Automation.Storage.Queues;
using Azure;
using Microsoft.Extensions.Logging;

namespace Automation.Functions.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions queue trigger, with the host's semantics (spec §1.6): batches of
/// <c>batchSize</c>, a new batch when in-flight work drops to <c>newBatchThreshold</c>, a lease renewed while the
/// handler runs (never two handlers on one message), delete on success, release with <c>visibilityTimeout</c> on
/// failure, and <c>&lt;queue&gt;-poison</c> once <c>DequeueCount</c> reaches <c>maxDequeueCount</c>. Polling backs
/// off to <c>maxPollingInterval</c> when the queue is empty.
/// </summary>
public sealed class QueueListener(
    QueueClient queue,
    QueueClient poisonQueue,
    Func<QueueTrigger, CancellationToken, Task> handler,
    HostSettings settings,
    ILogger logger,
    QueueWakeups? wakeups = null)
{
    /// <summary>
    /// How long a received message stays ours; renewed at half-time while the handler runs. The host uses 10 minutes;
    /// one minute renewed is as safe and brings a message back sooner if this process dies.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private int _inFlight;

    /// <summary>Messages received and not yet settled (running, or being deleted/released).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var active = new List<Task>();
        var delay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            active.RemoveAll(t => t.IsCompleted);
            while (active.Count > settings.NewBatchThreshold)
            {
                active.Remove(await Task.WhenAny(active));
            }

            IReadOnlyList<QueueMessage> batch;
            var wake = wakeups?.Next(queue.Name) ?? Task.CompletedTask;
            try
            {
                // Not cancelled mid-call: a receive the service completed but we abandoned would leave its messages
                // invisible for the whole lease. What arrives during shutdown is handed back below.
                batch = await queue.ReceiveMessagesAsync(settings.BatchSize, LeaseDuration, CancellationToken.None);
            }
            catch (RequestFailedException e) when (e.ErrorCode == "QueueNotFound")
            {
                await queue.CreateIfNotExistsAsync(stoppingToken);
                continue;
            }
            catch (Exception e) when (StorageFailure.IsStorageFailure(e))
            {
                logger.LogWarning(e, "Polling queue {Queue} failed; retrying in {Delay}", queue.Name, delay);
                batch = [];
            }

            if (stoppingToken.IsCancellationRequested)
            {
                foreach (var message in batch)
                {
                    await ReleaseQuietlyAsync(message);
                }

                break;
            }

            if (batch.Count == 0)
            {
                try
                {
                    // This process's own sends wake the listener at once; anything else waits for the next poll.
                    var waited = wakeups is null ? Task.Delay(delay, stoppingToken) : Task.WhenAny(wake, Task.Delay(delay, stoppingToken)).Unwrap();
                    await waited;
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = wake.IsCompleted && wakeups is not null
                    ? MinPollingInterval
                    : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxPollingInterval.Ticks));
                continue;
            }

            delay = MinPollingInterval;
            Interlocked.Add(ref _inFlight, batch.Count);
            foreach (var message in batch)
            {
                active.Add(ProcessCountedAsync(message, stoppingToken));
            }

            if (wakeups is not null && batch.Count < settings.BatchSize)
            {
                // The queue was drained just now. This process's next send wakes us at once; messages from elsewhere wait
                // at most the minimum interval. Saves the empty receive that would follow every small batch.
                await Task.WhenAny(wake, Task.Delay(MinPollingInterval, stoppingToken));
            }
        }

        await Task.WhenAll(active);
    }

    private async Task ReleaseQuietlyAsync(QueueMessage message)
    {
        try
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, cancellationToken: CancellationToken.None);
        }
        catch (Exception e) when (StorageFailure.IsStorageFailure(e))
        {
            // It comes back when its lease runs out.
        }
    }

    private async Task ProcessCountedAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            await ProcessAsync(message, stoppingToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Runs the handler on one leased message and settles the message; never throws.</summary>
    public async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            if (message.Text is not { } text)
            {
                // The queue extension moves undecodable messages straight to poison.
                logger.LogError("Message {MessageId} on {Queue} is not valid base64 text; moving it to {Poison}", message.MessageId, queue.Name, poisonQueue.Name);
                await MoveToPoisonAsync(message, message.RawText, stoppingToken);
                return;
            }

            var lease = new Lease(message.PopReceipt);
            using var renewalStop = new CancellationTokenSource();
            var renewal = RenewLeaseAsync(message.MessageId, lease, renewalStop.Token);
            Exception? failure = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(settings.FunctionTimeout);
                await handler(new QueueTrigger(text, message.MessageId, message.DequeueCount, message.InsertedOn), timeout.Token);
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                await renewalStop.CancelAsync();
                await renewal;
            }

            if (failure is null)
            {
                await queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, CancellationToken.None);
            }
            else if (stoppingToken.IsCancellationRequested && failure is OperationCanceledException)
            {
                // Shutting down: hand the message back at once; this was not the handler's failure.
                await queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, TimeSpan.Zero, cancellationToken: CancellationToken.None);
            }
            else if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                logger.LogError(failure, "Message {MessageId} on {Queue} failed {Count} times; moving it to {Poison}",
                    message.MessageId, queue.Name, message.DequeueCount, poisonQueue.Name);
                await MoveToPoisonAsync(message with { PopReceipt = lease.PopReceipt }, text, CancellationToken.None);
            }
            else
            {
                logger.LogWarning(failure, "Message {MessageId} on {Queue} failed (attempt {Count} of {Max}); retrying after {Delay}",
                    message.MessageId, queue.Name, message.DequeueCount, settings.MaxDequeueCount, settings.VisibilityTimeout);
                await queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
            }
        }
        catch (Exception e) when (StorageFailure.IsStorageFailure(e))
        {
            // The lease ran out or storage failed while settling: the message reappears and is retried; nothing is lost.
            logger.LogWarning(e, "Settling message {MessageId} on {Queue} failed; it will be delivered again", message.MessageId, queue.Name);
        }
    }

    /// <summary>
    /// Copies the message to the poison queue, then deletes it (a crash in between leaves a copy in both: at least once).
    /// An undecodable message is kept as the text it was stored as, base64-encoded like every other message.
    /// </summary>
    private async Task MoveToPoisonAsync(QueueMessage message, string text, CancellationToken cancellationToken)
    {
        await poisonQueue.CreateIfNotExistsAsync(cancellationToken);
        await poisonQueue.SendMessageAsync(text, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    private async Task RenewLeaseAsync(string messageId, Lease lease, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LeaseDuration / 2, cancellationToken);
                var receipt = await queue.UpdateMessageAsync(messageId, lease.PopReceipt, LeaseDuration, cancellationToken: cancellationToken);
                lease.PopReceipt = receipt.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
            // The handler finished.
        }
        catch (Exception e) when (StorageFailure.IsStorageFailure(e))
        {
            logger.LogWarning(e, "Renewing the lease of message {MessageId} on {Queue} failed", messageId, queue.Name);
        }
    }

    private sealed class Lease(string popReceipt)
    {
        public string PopReceipt { get; set; } = popReceipt;
    }
}
