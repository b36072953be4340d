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
/// pending-event entity in one entity-group transaction; <see cref="PublishAsync"/> then enqueues the event on
/// <c>record-events</c> and removes the pending entity. Events too large for a queue message keep their entity as a
/// claim check: the message carries a reference and the consumer deletes the entity once it has handled it.
/// <see cref="SweepAsync"/> re-enqueues pending events a crash left behind, so no committed change is lost.
/// </summary>
public sealed class PendingEvents(TableClient records, QueueClient queue, TimeProvider time)
{
    public const string QueueName = "record-events";

    /// <summary>A string property holds at most 32 K UTF-16 characters; the event JSON is split across properties.</summary>
    private const int ChunkChars = 30_000;

    /// <summary>Test hook: runs after the commit and before the enqueue (fault injection: throw to simulate a crash there).</summary>
    public Func<ChangeEvent, Task>? AfterCommit { get; set; }

    public static string RowKey(string eventId) => RecordEntities.EventRowPrefix + eventId;

    /// <summary>Sortable, unique event ids: commit time, then randomness.</summary>
    public string NewEventId() =>
        time.GetUtcNow().UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The entity that goes into the record's transaction.</summary>
    public TableEntity ToEntity(ChangeEvent change)
    {
        var json = EventJson.Serialize(change);
        var entity = new TableEntity(change.Model, RowKey(change.Id))
        {
            ["CreatedAt"] = time.GetUtcNow(),
            ["Chunks"] = (json.Length + ChunkChars - 1) / ChunkChars,
        };
        for (var i = 0; i * ChunkChars < json.Length; i++)
        {
            entity["Data" + i.ToString(CultureInfo.InvariantCulture)] = json.Substring(i * ChunkChars, Math.Min(ChunkChars, json.Length - i * ChunkChars));
        }

        return entity;
    }

    public static ChangeEvent FromEntity(TableEntity entity)
    {
        var chunks = entity.GetInt32("Chunks") ?? 0;
        var json = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            json.Append(entity.GetString("Data" + i.ToString(CultureInfo.InvariantCulture)));
        }

        return EventJson.Deserialize(json.ToString());
    }

    /// <summary>Enqueues a committed event and removes its pending entity (unless it is needed as a claim check).</summary>
    public async Task PublishAsync(ChangeEvent change, CancellationToken cancellationToken)
    {
        if (AfterCommit is { } hook)
        {
            await hook(change);
        }

        var inline = EventMessage.Inline(change);
        if (Encoding.UTF8.GetByteCount(inline) <= QueueMessageEncoding.MaxTextBytes)
        {
            await queue.SendMessageAsync(inline, cancellationToken: cancellationToken);
            await records.DeleteEntityAsync(change.Model, RowKey(change.Id), cancellationToken: cancellationToken);
        }
        else
        {
            await queue.SendMessageAsync(EventMessage.Reference(change.Model, change.Id), cancellationToken: cancellationToken);
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
                var inline = EventMessage.Inline(change);
                if (Encoding.UTF8.GetByteCount(inline) <= QueueMessageEncoding.MaxTextBytes)
                {
                    await queue.SendMessageAsync(inline, cancellationToken: cancellationToken);
                    await records.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
                }
                else
                {
                    // A claim check still waiting for its consumer: send the reference again, at most once per period.
                    await queue.SendMessageAsync(EventMessage.Reference(change.Model, change.Id), cancellationToken: cancellationToken);
                    await records.UpdateEntityAsync(new TableEntity(entity.PartitionKey, entity.RowKey) { ["SentAt"] = time.GetUtcNow() },
                        entity.ETag, TableUpdateMode.Merge, cancellationToken);
                }

                count++;
            }
        }

        return count;
    }

    /// <summary>Resolves a queue message to its event: inline, or read from its claim-check entity (null when already handled).</summary>
    public async Task<ChangeEvent?> ResolveAsync(string message, CancellationToken cancellationToken)
    {
        var node = JsonNode.Parse(message) ?? throw new JsonException("The record-events message is empty.");
        if (node["event"] is JsonObject inline)
        {
            return inline.Deserialize<ChangeEvent>(EventJson.Options);
        }

        var model = node["ref"]?["model"]?.GetValue<string>() ?? throw new JsonException("The record-events message has neither event nor ref.");
        var id = node["ref"]?["id"]?.GetValue<string>() ?? throw new JsonException("The record-events reference has no id.");
        var entity = await records.GetEntityIfExistsAsync(model, RowKey(id), cancellationToken);
        return entity is null ? null : FromEntity(entity);
    }

    /// <summary>The consumer's last step for a claim-checked event.</summary>
    public Task CompleteAsync(ChangeEvent change, CancellationToken cancellationToken) =>
        records.DeleteEntityAsync(change.Model, RowKey(change.Id), cancellationToken: cancellationToken);

    private static class EventMessage
    {
        public static string Inline(ChangeEvent change) =>
            new JsonObject { ["v"] = 1, ["event"] = JsonSerializer.SerializeToNode(change, EventJson.Options) }.ToJsonString();

        public static string Reference(string model, string id) =>
            new JsonObject { ["v"] = 1, ["ref"] = new JsonObject { ["model"] = model, ["id"] = id } }.ToJsonString();
    }
}
