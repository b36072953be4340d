using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Deliveries;
using Automation.Core.Diagnostics;
using Automation.Storage.Queues;
using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Deliveries;

/// <summary>One delivery as stored: what it sends and how far it got.</summary>
public sealed record Delivery
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string Status { get; init; }

    public int Attempts { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastAttemptAt { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The receiver's last answer: an HTTP status, an SMTP reply code, or the provider's.</summary>
    public string? LastStatus { get; init; }

    public string? LastError { get; init; }

    public required string Target { get; init; }

    public string? RuleId { get; init; }

    public string? ActionName { get; init; }

    public string? Model { get; init; }

    public long? RecordId { get; init; }

    public required JsonObject Message { get; init; }

    /// <summary>The W3C trace context of the action that handed it over (<c>traceparent</c>): its attempts continue that trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The run and the causal chain that handed it over, when known (for log lines).</summary>
    public string? RunId { get; init; }

    public string? ChainId { get; init; }

    /// <summary>While an attempt runs: until when it is held (another copy of the queue message leaves it alone).</summary>
    public DateTimeOffset? LeaseUntil { get; init; }

    public ETag ETag { get; init; }
}

/// <summary>
/// The durable outbox (ARCHITECTURE §3 "Deliveries"): table <c>deliveries</c> and queue <c>deliveries</c>. A delivery is
/// stored before anything is sent, in one entity-group transaction with its idempotency key (so an action handing the
/// same message over twice gets one delivery) and an "open" marker (so the <c>DeliveryMaintenance</c> timer re-sends the
/// queue message of a delivery whose message was lost). Deliveries spread over 16 partitions by key, newest first
/// within each (row keys of inverted ticks), so listings and the sweep read little.
/// </summary>
public sealed class TableOutbox(TableClient table, QueueClient queue, TimeProvider time) : IDeliveryOutbox
{
    public const string TableName = "deliveries";
    public const string QueueName = "deliveries";

    /// <summary>Largest rendered message kept (characters of its JSON): an entity holds at most 1 MiB.</summary>
    public const int MaxMessageChars = 300_000;

    private const string DeliveryPrefix = "d|";
    private const string KeyPrefix = "k|";
    private const string OpenPrefix = "o|";

    public TableClient Table => table;

    public QueueClient Queue => queue;

    public async Task<string> EnqueueAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messageText = request.Message.ToJsonString();
        if (messageText.Length > MaxMessageChars)
        {
            request = request with
            {
                Message = new JsonObject { ["truncated"] = true },
                RefusedBecause = string.Create(CultureInfo.InvariantCulture,
                    $"The rendered message is {messageText.Length:N0} characters; at most {MaxMessageChars:N0} are kept."),
            };
            messageText = request.Message.ToJsonString();
        }

        var now = time.GetUtcNow();
        var hash = request.IdempotencyKey.Length >= 16 ? request.IdempotencyKey : DeliveryRequest.KeyOf(request.IdempotencyKey);
        var id = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.Ticks - now.UtcTicks:D19}-{hash[..12]}");
        var partition = Partition(id);
        var refused = request.RefusedBecause;
        var entity = new TableEntity(partition, DeliveryPrefix + id)
        {
            ["Kind"] = request.Kind,
            ["Status"] = refused is null ? DeliveryStatuses.Queued : DeliveryStatuses.Failed,
            ["Attempts"] = 0,
            ["CreatedAt"] = now,
            ["NextAttemptAt"] = refused is null ? now : null,
            ["FinishedAt"] = refused is null ? null : now,
            ["LastError"] = refused,
            ["Target"] = Cut(request.Target, 2000),
            ["RuleId"] = request.RuleId,
            ["ActionName"] = Cut(request.ActionName, 500),
            ["Model"] = request.Model,
            ["RecordId"] = request.RecordId,
            ["Key"] = hash,
            ["TraceParent"] = AutomationTelemetry.CurrentTraceParent(),
            ["RunId"] = Activity.Current?.GetBaggageItem(AutomationTelemetry.RunIdTag),
            ["ChainId"] = Activity.Current?.GetBaggageItem(AutomationTelemetry.ChainIdTag),
        };
        ChunkedText.Write(entity, messageText);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, entity),
            new(TableTransactionActionType.Add, new TableEntity(partition, KeyPrefix + hash) { ["DeliveryId"] = id }),
        };
        if (refused is null)
        {
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, OpenPrefix + id) { ["NextAttemptAt"] = now }));
        }

        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // Handed over before (an action run again after a crash): the same delivery.
            var existing = await table.GetEntityIfExistsAsync(partition, KeyPrefix + hash, cancellationToken);
            return existing?.GetString("DeliveryId") ?? throw new InvalidOperationException($"Delivery key {hash} exists but cannot be read.", e);
        }

        if (refused is null)
        {
            await queue.SendMessageAsync(id, cancellationToken: cancellationToken);
        }

        return id;
    }

    public static string Partition(string id) => "b" + id[^12];

    public async Task<Delivery?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!IsId(id))
        {
            return null;
        }

        var entity = await table.GetEntityIfExistsAsync(Partition(id), DeliveryPrefix + id, cancellationToken);
        return entity is null ? null : FromEntity(entity);
    }

    /// <summary>Saves the delivery's state guarded by its ETag; returns the new version, or null when it changed meanwhile.</summary>
    public async Task<Delivery?> TryUpdateAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        try
        {
            var etag = await table.UpdateEntityAsync(StateEntity(delivery), delivery.ETag, TableUpdateMode.Merge, cancellationToken);
            return delivery with { ETag = etag };
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Records the outcome of an attempt with the open marker in one transaction: removed when the delivery is final,
    /// moved to the next attempt otherwise. False when the delivery changed meanwhile.
    /// </summary>
    public async Task<bool> SettleAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var partition = Partition(delivery.Id);
        var open = new TableEntity(partition, OpenPrefix + delivery.Id) { ["NextAttemptAt"] = delivery.NextAttemptAt ?? None };
        try
        {
            await table.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.UpdateMerge, StateEntity(delivery), delivery.ETag),
                DeliveryStatuses.IsFinal(delivery.Status)
                    ? new(TableTransactionActionType.Delete, open)
                    : new(TableTransactionActionType.UpsertReplace, open),
            ], cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            if (e.FailedIndex == 1 && DeliveryStatuses.IsFinal(delivery.Status))
            {
                // The open marker was gone already: record the state alone.
                return await TryUpdateAsync(delivery, cancellationToken) is not null;
            }

            return false;
        }
    }

    /// <summary>Sends the delivery's queue message, visible after <paramref name="delay"/> (the queue allows up to 7 days).</summary>
    public Task WakeAsync(string id, TimeSpan delay, CancellationToken cancellationToken)
    {
        var seconds = Math.Clamp(Math.Ceiling(delay.TotalSeconds), 0, TimeSpan.FromDays(7).TotalSeconds - 60);
        return queue.SendMessageAsync(id, seconds > 0 ? TimeSpan.FromSeconds(seconds) : null, cancellationToken: cancellationToken);
    }

    /// <summary>Deliveries newest first, optionally of one status or kind, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Delivery>> ListAsync(string? status, string? kind, int limit, CancellationToken cancellationToken)
    {
        var conditions = new List<string>();
        if (status is not null)
        {
            conditions.Add($"Status eq {TableKeys.Quote(status)}");
        }

        if (kind is not null)
        {
            conditions.Add($"Kind eq {TableKeys.Quote(kind)}");
        }

        var extra = conditions.Count == 0 ? "" : " and " + string.Join(" and ", conditions);
        var pages = await Task.WhenAll(Partitions().Select(async partition =>
        {
            var found = new List<Delivery>();
            var filter = $"PartitionKey eq '{partition}' and RowKey ge '{DeliveryPrefix}' and RowKey lt 'd}}'{extra}";
            await foreach (var entity in table.QueryAsync(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken))
            {
                found.Add(FromEntity(entity));
                if (found.Count >= limit)
                {
                    break;
                }
            }

            return found;
        }));
        return pages.SelectMany(p => p).OrderBy(d => d.Id, StringComparer.Ordinal).Take(limit).ToList();
    }

    /// <summary>Ids of unfinished deliveries whose next attempt was due before <paramref name="dueBefore"/>.</summary>
    public async Task<IReadOnlyList<string>> OverdueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        foreach (var partition in Partitions())
        {
            var filter = $"PartitionKey eq '{partition}' and RowKey ge '{OpenPrefix}' and RowKey lt 'o}}' and " +
                         $"NextAttemptAt lt datetime'{dueBefore.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}'";
            await foreach (var entity in table.QueryAsync(filter, cancellationToken: cancellationToken))
            {
                ids.Add(entity.RowKey[OpenPrefix.Length..]);
                if (ids.Count >= limit)
                {
                    return ids;
                }
            }
        }

        return ids;
    }

    /// <summary>Removes final deliveries (and their keys) created before <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var removed = 0;
        var from = string.Create(CultureInfo.InvariantCulture, $"{DeliveryPrefix}{DateTimeOffset.MaxValue.Ticks - cutoff.UtcTicks:D19}");
        foreach (var partition in Partitions())
        {
            var filter = $"PartitionKey eq '{partition}' and RowKey ge '{from}' and RowKey lt 'd}}'";
            await foreach (var entity in table.QueryAsync(filter, cancellationToken: cancellationToken))
            {
                if (!DeliveryStatuses.IsFinal(entity.GetString("Status") ?? ""))
                {
                    continue;
                }

                var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, new TableEntity(partition, entity.RowKey), entity.ETag) };
                if (entity.GetString("Key") is { } key)
                {
                    actions.Add(new(TableTransactionActionType.Delete, new TableEntity(partition, KeyPrefix + key)));
                }

                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                    removed++;
                }
                catch (TableTransactionFailedException e) when (e.Status is 404 or 412)
                {
                    // changed or gone meanwhile
                }
            }
        }

        return removed;
    }

    private static IEnumerable<string> Partitions() => "0123456789abcdef".Select(c => "b" + c);

    private static bool IsId(string id) => id.Length == 32 && id[19] == '-' && id[..19].All(char.IsAsciiDigit) && id[20..].All(char.IsAsciiHexDigitLower);

    /// <summary>The state properties; a merge cannot remove a property, so "none" is written as an empty text or <see cref="None"/>.</summary>
    private static TableEntity StateEntity(Delivery delivery) => new(Partition(delivery.Id), DeliveryPrefix + delivery.Id)
    {
        ["Status"] = delivery.Status,
        ["Attempts"] = delivery.Attempts,
        ["LastAttemptAt"] = delivery.LastAttemptAt ?? None,
        ["NextAttemptAt"] = delivery.NextAttemptAt ?? None,
        ["FinishedAt"] = delivery.FinishedAt ?? None,
        ["LastStatus"] = Cut(delivery.LastStatus, 200) ?? "",
        ["LastError"] = Cut(delivery.LastError, 4000) ?? "",
        ["LeaseUntil"] = delivery.LeaseUntil ?? None,
    };

    private static readonly DateTimeOffset None = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset? Moment(TableEntity entity, string name) => entity.GetDateTimeOffset(name) is { Year: > 1601 } moment ? moment : null;

    private static string? Text(TableEntity entity, string name) => entity.GetString(name) is { Length: > 0 } text ? text : null;

    private static Delivery FromEntity(TableEntity entity) => new()
    {
        Id = entity.RowKey[DeliveryPrefix.Length..],
        Kind = entity.GetString("Kind") ?? "",
        Status = entity.GetString("Status") ?? "",
        Attempts = entity.GetInt32("Attempts") ?? 0,
        CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? default,
        LastAttemptAt = Moment(entity, "LastAttemptAt"),
        NextAttemptAt = Moment(entity, "NextAttemptAt"),
        FinishedAt = Moment(entity, "FinishedAt"),
        LastStatus = Text(entity, "LastStatus"),
        LastError = Text(entity, "LastError"),
        Target = entity.GetString("Target") ?? "",
        RuleId = entity.GetString("RuleId"),
        ActionName = entity.GetString("ActionName"),
        Model = entity.GetString("Model"),
        RecordId = entity.GetInt64("RecordId"),
        Message = JsonNode.Parse(ChunkedText.Read(entity) is { Length: > 0 } text ? text : "{}") as JsonObject ?? [],
        LeaseUntil = Moment(entity, "LeaseUntil"),
        TraceParent = entity.GetString("TraceParent"),
        RunId = entity.GetString("RunId"),
        ChainId = entity.GetString("ChainId"),
        ETag = entity.ETag,
    };

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max] + "…";
}
