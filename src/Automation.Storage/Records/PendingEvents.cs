using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Events;
using Automation.Storage.Queues;
using Automation.Storage.Tables;

namespace Automation.Storage.Records;

/// <summary>
/// The transactional outbox of record changes (ARCHITECTURE §3 "Record change"). A write stores the record and a
/// pending-event entity in one entity-group transaction; <see cref="EventPublisher"/> then sends it on
/// <c>record-events</c> (<see cref="SendAsync"/>) and removes the pending entity. Events too large for a queue message
/// keep their entity as a claim check: the message carries a reference and the consumer completes it.
/// <see cref="SweepAsync"/> re-enqueues pending events a crash left behind, so no committed change is lost.
/// </summary>
public sealed class PendingEvents(TableClient records, QueueClient queue, TimeProvider time)
{
    public const string QueueName = "record-events";

    /// <summary>Room for events in one message: 48 KiB of text less the envelope.</summary>
    public const int MaxEventBytes = QueueMessageEncoding.MaxTextBytes - 64;

    public static string RowKey(string eventId) => RecordEntities.EventRowPrefix + eventId;

    /// <summary>Sortable, unique event ids: commit time, then randomness.</summary>
    public string NewEventId() =>
        time.GetUtcNow().UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The entity that goes into the record's transaction.</summary>
    public TableEntity ToEntity(ChangeEvent change)
    {
        var entity = new TableEntity(change.Model, RowKey(change.Id)) { ["CreatedAt"] = time.GetUtcNow() };
        ChunkedText.Write(entity, EventJson.Serialize(change));
        return entity;
    }

    public static ChangeEvent FromEntity(TableEntity entity) => EventJson.Deserialize(ChunkedText.Read(entity));

    /// <summary>
    /// Enqueues committed events, packed into as few messages as fit in 48 KiB each, then removes their pending
    /// entities: through <paramref name="settle"/> when given (a <see cref="PendingSettler"/> that removes many at once),
    /// else at once, one transaction per model (and per 100). An event too large for a message travels by claim check:
    /// the message carries its reference and its entity stays until the consumer completes it.
    /// </summary>
    /// <param name="queued">Called once the messages are on the queue, before the pending entities are deleted.</param>
    public async Task SendAsync(IReadOnlyList<ChangeEvent> batch, CancellationToken cancellationToken, Action? queued = null,
        Action<ChangeEvent>? settle = null)
    {
        var delivered = new List<ChangeEvent>();
        var message = new JsonArray();
        var size = 0;
        foreach (var change in batch)
        {
            var node = JsonSerializer.SerializeToNode(change, EventJson.Options)!;
            var bytes = Encoding.UTF8.GetByteCount(node.ToJsonString());
            if (bytes > MaxEventBytes)
            {
                await queue.SendMessageAsync(EventMessage.References([change]), cancellationToken: cancellationToken);
                continue;
            }

            if (size + bytes > MaxEventBytes && message.Count > 0)
            {
                await queue.SendMessageAsync(EventMessage.Events(message), cancellationToken: cancellationToken);
                message = [];
                size = 0;
            }

            message.Add(node);
            size += bytes + 1;
            delivered.Add(change);
        }

        if (message.Count > 0)
        {
            await queue.SendMessageAsync(EventMessage.Events(message), cancellationToken: cancellationToken);
        }

        queued?.Invoke();
        if (settle is not null)
        {
            delivered.ForEach(settle);
            return;
        }

        await DeleteAsync(delivered.Select(c => (c.Model, c.Id)).ToList(), cancellationToken);
    }

    /// <summary>
    /// Deletes pending entities by (model, event id), one transaction per model and per 100. One already gone (the
    /// sweeper resent it, say) would fail its whole transaction: that transaction's entities are then deleted one by
    /// one, the missing ones skipped.
    /// </summary>
    public async Task DeleteAsync(IReadOnlyCollection<(string Model, string Id)> keys, CancellationToken cancellationToken)
    {
        foreach (var group in keys.Distinct().GroupBy(k => k.Model, StringComparer.Ordinal))
        {
            foreach (var chunk in group.Chunk(100))
            {
                try
                {
                    await records.SubmitTransactionAsync(
                        chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(k.Model, RowKey(k.Id)))).ToList(),
                        cancellationToken);
                }
                catch (TableTransactionFailedException e) when (e.Status == 404)
                {
                    foreach (var (model, id) in chunk)
                    {
                        await records.DeleteEntityAsync(model, RowKey(id), cancellationToken: cancellationToken);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Re-enqueues every pending event of <paramref name="models"/> older than <paramref name="olderThan"/>. A crash between
    /// commit and enqueue is healed here; a crash between enqueue and delete yields a second delivery, which consumers
    /// recognise by the event id. Returns how many were re-enqueued.
    /// </summary>
    public async Task<int> SweepAsync(IEnumerable<string> models, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - olderThan;
        var count = 0;
        foreach (var model in models)
        {
            var filter = $"PartitionKey eq {TableKeys.Quote(model)} and RowKey ge '{RecordEntities.EventRowPrefix}' and RowKey lt '{RecordEntities.EventRowPrefix}~'";
            await foreach (var entity in records.QueryAsync(filter, cancellationToken: cancellationToken))
            {
                var sentAt = entity.GetDateTimeOffset("SentAt") ?? entity.GetDateTimeOffset("CreatedAt");
                if (sentAt > cutoff)
                {
                    continue;
                }

                var change = FromEntity(entity);
                var inline = EventMessage.Events([JsonSerializer.SerializeToNode(change, EventJson.Options)], resent: true);
                if (Encoding.UTF8.GetByteCount(inline) <= QueueMessageEncoding.MaxTextBytes)
                {
                    await queue.SendMessageAsync(inline, cancellationToken: cancellationToken);
                    await records.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
                }
                else
                {
                    // A claim check still waiting for its consumer: send the reference again, at most once per period.
                    await queue.SendMessageAsync(EventMessage.References([change]), cancellationToken: cancellationToken);
                    await records.UpdateEntityAsync(new TableEntity(entity.PartitionKey, entity.RowKey) { ["SentAt"] = time.GetUtcNow() },
                        entity.ETag, TableUpdateMode.Merge, cancellationToken);
                }

                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// The events of a <c>record-events</c> message: inline ones, and claim-checked ones read from their entities
    /// (skipped when already completed).
    /// </summary>
    public async Task<IReadOnlyList<ResolvedEvent>> ResolveAsync(string message, CancellationToken cancellationToken)
    {
        var node = JsonNode.Parse(message) ?? throw new JsonException("The record-events message is empty.");
        var resent = node["resent"] is JsonValue flag && flag.TryGetValue<bool>(out var value) && value;
        var result = new List<ResolvedEvent>();
        foreach (var item in node["events"]?.AsArray() ?? [])
        {
            result.Add(new ResolvedEvent(item.Deserialize<ChangeEvent>(EventJson.Options) ?? throw new JsonException("A change event was null."), false,
                resent));
        }

        foreach (var reference in node["refs"]?.AsArray() ?? [])
        {
            var model = reference?["model"]?.GetValue<string>() ?? throw new JsonException("A record-events reference has no model.");
            var id = reference["id"]?.GetValue<string>() ?? throw new JsonException("A record-events reference has no id.");
            if (await records.GetEntityIfExistsAsync(model, RowKey(id), cancellationToken) is { } entity)
            {
                result.Add(new ResolvedEvent(FromEntity(entity), true));
            }
        }

        return result;
    }

    /// <summary>The consumer's last step for a claim-checked event.</summary>
    public Task CompleteAsync(ChangeEvent change, CancellationToken cancellationToken) =>
        records.DeleteEntityAsync(change.Model, RowKey(change.Id), cancellationToken: cancellationToken);

    /// <summary>
    /// Message formats of <c>record-events</c>: <c>{"v":1,"events":[…]}</c> (<c>"resent":true</c> when the sweeper sends
    /// it again: it may have been delivered before) and <c>{"v":1,"refs":[{"model","id"}]}</c>.
    /// </summary>
    private static class EventMessage
    {
        public static string Events(JsonArray events, bool resent = false)
        {
            var message = new JsonObject { ["v"] = 1 };
            if (resent)
            {
                message["resent"] = true;
            }

            message["events"] = events;
            return message.ToJsonString();
        }

        public static string References(IEnumerable<ChangeEvent> changes) =>
            new JsonObject
            {
                ["v"] = 1,
                ["refs"] = new JsonArray(changes.Select(c => (JsonNode)new JsonObject { ["model"] = c.Model, ["id"] = c.Id }).ToArray()),
            }.ToJsonString();
    }
}

/// <summary>
/// An event of a <c>record-events</c> message; a claim-checked one must be completed once handled. A resent one came
/// from the sweeper, and may have been delivered (and handled) before, whatever the queue's dequeue count says.
/// </summary>
public sealed record ResolvedEvent(ChangeEvent Change, bool ClaimChecked, bool Resent = false);
