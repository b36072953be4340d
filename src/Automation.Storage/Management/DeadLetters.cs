using Automation.Storage.Queues;
using Azure;

namespace Automation.Storage.Management;

/// <summary>A message in a poison queue, with the error it last failed with (when it was recorded).</summary>
public sealed record DeadLetter(string Queue, string MessageId, DateTimeOffset InsertedOn, string Text, QueueFailure? Failure)
{
    /// <summary><c>&lt;queue&gt;.&lt;message id&gt;</c>: queue names have no dots.</summary>
    public string Id => Queue + "." + MessageId;

    public static (string Queue, string MessageId)? ParseId(string? id) =>
        id?.IndexOf('.', StringComparison.Ordinal) is > 2 and var dot && dot < id.Length - 1 ? (id[..dot], id[(dot + 1)..]) : null;
}

/// <summary>A queue and how many messages its poison queue holds (approximately, as the service counts).</summary>
public sealed record PoisonQueueCount(string Queue, string PoisonQueue, int Count);

/// <summary>
/// The poison queues (<c>&lt;queue&gt;-poison</c>, where both hosting modes move a message after <c>maxDequeueCount</c>
/// failures, ARCHITECTURE §4): listed with their payloads and errors, replayed to their queue, or deleted.
/// </summary>
public sealed class DeadLetters(QueueServiceClient queues, QueueFailureLog failures)
{
    /// <summary>A peek sees at most 32 messages per queue: the oldest.</summary>
    public const int MaxListedPerQueue = 32;

    /// <summary>How many receives a search for one message makes (32 messages each) before it gives up.</summary>
    public const int MaxSearchBatches = 20;

    private static readonly TimeSpan SearchLease = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(200);

    public static string PoisonOf(string queue) => queue + "-poison";

    public async Task<(IReadOnlyList<PoisonQueueCount> Queues, IReadOnlyList<DeadLetter> Letters)> ListAsync(IEnumerable<string> queueNames, int perQueue,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queueNames);
        var summary = new List<PoisonQueueCount>();
        var letters = new List<DeadLetter>();
        foreach (var queue in queueNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var poison = queues.GetQueueClient(PoisonOf(queue));
            IReadOnlyList<PeekedMessage> peeked;
            int count;
            try
            {
                count = await poison.GetApproximateMessageCountAsync(cancellationToken);
                peeked = count == 0 ? [] : await poison.PeekMessagesAsync(Math.Clamp(perQueue, 1, MaxListedPerQueue), cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                count = 0;
                peeked = []; // never created: nothing ever died there
            }

            summary.Add(new PoisonQueueCount(queue, poison.Name, count));
            foreach (var message in peeked)
            {
                var text = message.Text ?? message.RawText;
                letters.Add(new DeadLetter(queue, message.MessageId, message.InsertedOn, text, await failures.FindAsync(queue, text, cancellationToken)));
            }
        }

        return (summary, letters);
    }

    /// <summary>Sends the message back to its queue (as new: five more tries) and removes it from the poison queue. False when not found.</summary>
    public Task<bool> ReplayAsync(string queue, string messageId, CancellationToken cancellationToken) =>
        WithMessageAsync(queue, messageId, async (poison, message, text) =>
        {
            await queues.GetQueueClient(queue).SendMessageAsync(text, cancellationToken: cancellationToken);
            await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            await failures.ForgetAsync(queue, text, cancellationToken);
        }, cancellationToken);

    public Task<bool> DeleteAsync(string queue, string messageId, CancellationToken cancellationToken) =>
        WithMessageAsync(queue, messageId, async (poison, message, text) =>
        {
            await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            await failures.ForgetAsync(queue, text, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Replays the messages of <paramref name="queue"/>'s poison queue, oldest first, until it is empty, <paramref name="max"/>
    /// were replayed or <paramref name="budget"/> is spent. Returns how many were replayed and how many are left (approximately).
    /// </summary>
    public async Task<(int Replayed, int Remaining)> ReplayAllAsync(string queue, int max, TimeSpan budget, CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient(PoisonOf(queue));
        var target = queues.GetQueueClient(queue);
        var deadline = DateTime.UtcNow + budget;
        var replayed = 0;
        var idleUntil = DateTime.UtcNow + IdleWait;
        try
        {
            while (replayed < max && DateTime.UtcNow < deadline)
            {
                var batch = await poison.ReceiveMessagesAsync(Math.Min(32, max - replayed), TimeSpan.FromMinutes(2), cancellationToken);
                if (batch.Count == 0)
                {
                    // Messages another dead-letter operation leased a moment ago come back shortly; wait a little for them.
                    if (await poison.GetApproximateMessageCountAsync(cancellationToken) == 0 || DateTime.UtcNow > idleUntil)
                    {
                        break;
                    }

                    await Task.Delay(IdlePoll, cancellationToken);
                    continue;
                }

                idleUntil = DateTime.UtcNow + IdleWait;

                foreach (var message in batch)
                {
                    var text = message.Text ?? message.RawText;
                    await target.SendMessageAsync(text, cancellationToken: cancellationToken);
                    await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    await failures.ForgetAsync(queue, text, cancellationToken);
                    replayed++;
                }
            }

            return (replayed, await poison.GetApproximateMessageCountAsync(cancellationToken));
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == "QueueNotFound")
        {
            return (replayed, 0);
        }
    }

    /// <summary>Deletes every message of <paramref name="queue"/>'s poison queue.</summary>
    public async Task<int> ClearAsync(string queue, CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient(PoisonOf(queue));
        try
        {
            var count = await poison.GetApproximateMessageCountAsync(cancellationToken);
            await poison.ClearMessagesAsync(cancellationToken);
            return count;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }

    /// <summary>
    /// Leases poison messages in batches until <paramref name="messageId"/> turns up, acts on it, then hands the others
    /// back at once. A peek cannot do this: only a lease gives the pop receipt a delete needs.
    /// </summary>
    private async Task<bool> WithMessageAsync(string queue, string messageId, Func<QueueClient, QueueMessage, string, Task> act,
        CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient(PoisonOf(queue));
        var held = new List<QueueMessage>();
        try
        {
            for (var i = 0; i < MaxSearchBatches; i++)
            {
                var batch = await poison.ReceiveMessagesAsync(32, SearchLease, cancellationToken);
                if (batch.Count == 0)
                {
                    return false;
                }

                held.AddRange(batch.Where(m => m.MessageId != messageId));
                if (batch.FirstOrDefault(m => m.MessageId == messageId) is { } found)
                {
                    await act(poison, found, found.Text ?? found.RawText);
                    return true;
                }
            }

            return false;
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode == "QueueNotFound")
        {
            return false;
        }
        finally
        {
            foreach (var message in held)
            {
                try
                {
                    await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, TimeSpan.Zero, cancellationToken: CancellationToken.None);
                }
                catch (Exception e) when (StorageFailure.IsStorageFailure(e))
                {
                    // It comes back when its lease runs out.
                }
            }
        }
    }
}
