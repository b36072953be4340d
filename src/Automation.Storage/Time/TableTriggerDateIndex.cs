using System.Globalization;
using Automation.Core.Time;
using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Time;

/// <summary>
/// Trigger-date indexes in the <c>timeindex</c> table, one partition per (model, date field):
/// <list type="bullet">
/// <item><c>v{date ticks D19}-{id D12}</c>: an entry, so "dates in [a, b)" is one RowKey range scan;</item>
/// <item><c>r{id D12}</c>: the record's current date (none: no entry) and the version of the change that set it, so a
/// change moves its entry in one entity-group transaction, guarded by the reverse row's ETag;</item>
/// <item><c>l{rule D12}-{config}-{date ticks D19}-{id D12}</c>: late entries of a rule.</item>
/// </list>
/// Build statuses live in partition <c>~status</c>, keyed <c>{model}|{field}</c>.
/// </summary>
public sealed class TableTriggerDateIndex(TableClient table) : ITriggerDateIndex
{
    public const string TableName = "timeindex";
    private const string StatusPartition = "~status";
    private const int MaxAttempts = 20;

    /// <summary>Operations per transaction (the service allows 100; a record needs at most 3, kept together).</summary>
    private const int OperationsPerTransaction = 99;

    public async Task<bool> SetAsync(DateIndexKey key, long recordId, long? value, long version, CancellationToken cancellationToken)
    {
        var partition = Partition(key);
        var entryMissing = false;
        for (var attempt = 1; ; attempt++)
        {
            var reverse = await table.GetEntityIfExistsAsync(partition, ReverseKey(recordId), cancellationToken);
            var stored = reverse?.GetInt64("Version");
            if (stored > version)
            {
                return false;
            }

            if (stored == version)
            {
                return true;
            }

            var actions = Move(partition, recordId, reverse, value, version, entryMissing);
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status == 404 && attempt < MaxAttempts)
            {
                entryMissing = true; // the old entry is not there (a build raced us): move without deleting it
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another change of the record was indexed meanwhile: read its reverse row again.
            }
        }
    }

    public async Task MergeAsync(DateIndexKey key, IReadOnlyList<(long RecordId, long? Value)> records, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        var partition = Partition(key);
        var low = records.Min(r => r.RecordId);
        var high = records.Max(r => r.RecordId);
        var existing = new Dictionary<long, TableEntity>();
        var filter = $"PartitionKey eq {TableKeys.Quote(partition)} and RowKey ge '{ReverseKey(low)}' and RowKey le '{ReverseKey(high)}'";
        await foreach (var entity in table.QueryAsync(filter, 1000, cancellationToken: cancellationToken))
        {
            existing[long.Parse(entity.RowKey.AsSpan(1), CultureInfo.InvariantCulture)] = entity;
        }

        var batches = new List<(List<TableTransactionAction> Actions, List<(long, long?)> Records)>();
        var batch = (Actions: new List<TableTransactionAction>(), Records: new List<(long, long?)>());
        foreach (var (id, value) in records)
        {
            var reverse = existing.GetValueOrDefault(id);
            if (reverse?.GetInt64("Version") >= version || (reverse is not null && reverse.GetInt64("Value") == value) || (reverse is null && value is null))
            {
                continue; // newer or the same already
            }

            var actions = Move(partition, id, reverse, value, version, entryMissing: false);
            if (batch.Actions.Count + actions.Count > OperationsPerTransaction)
            {
                batches.Add(batch);
                batch = (new List<TableTransactionAction>(), new List<(long, long?)>());
            }

            batch.Actions.AddRange(actions);
            batch.Records.Add((id, value));
        }

        if (batch.Actions.Count > 0)
        {
            batches.Add(batch);
        }

        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (b, token) =>
        {
            try
            {
                await table.SubmitTransactionAsync(b.Actions, token);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // A change was indexed meanwhile for one of these: merge them one by one, each against its reverse row.
                foreach (var (id, value) in b.Records)
                {
                    await SetAsync(key, id, value, version, token);
                }
            }
        });
    }

    public async Task<IReadOnlyList<IndexedDate>> ScanAsync(DateIndexKey key, long from, long to, string? after, int limit, CancellationToken cancellationToken)
    {
        var entries = new List<IndexedDate>();
        if (to <= from)
        {
            return entries;
        }

        var filter = $"PartitionKey eq {TableKeys.Quote(Partition(key))} and RowKey ge '{EntryPrefix(from)}' and RowKey lt '{EntryPrefix(to)}'" +
                     (after is null ? "" : $" and RowKey gt {TableKeys.Quote(after)}");
        await foreach (var entity in table.QueryAsync(filter, Math.Clamp(limit, 1, 1000), ["RowKey"], cancellationToken))
        {
            entries.Add(new IndexedDate(
                long.Parse(entity.RowKey.AsSpan(21, 12), CultureInfo.InvariantCulture),
                long.Parse(entity.RowKey.AsSpan(1, 19), CultureInfo.InvariantCulture),
                entity.RowKey));
            if (entries.Count >= limit)
            {
                break; // the service may return partial pages: keep reading until the page is full or the range ends
            }
        }

        return entries;
    }

    public async Task<IndexStatus?> StatusAsync(DateIndexKey key, CancellationToken cancellationToken)
    {
        var entity = await table.GetEntityIfExistsAsync(StatusPartition, StatusKey(key), cancellationToken);
        return entity is null ? null : ToStatus(entity);
    }

    public async Task<bool> TrySaveStatusAsync(DateIndexKey key, IndexStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var entity = new TableEntity(StatusPartition, StatusKey(key))
        {
            ["Model"] = key.Model,
            ["Field"] = key.Field,
            ["Ready"] = status.Ready,
            ["NotBefore"] = status.NotBefore.Ticks,
            ["Continuation"] = status.Continuation,
            ["ReadyAt"] = status.ReadyAt?.Ticks,
            ["Records"] = status.Records,
        };
        try
        {
            if (status.ETag is null)
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
            else
            {
                await table.UpdateEntityAsync(entity, new ETag(status.ETag), TableUpdateMode.Replace, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<(DateIndexKey Key, IndexStatus Status)>> StatusesAsync(CancellationToken cancellationToken)
    {
        var result = new List<(DateIndexKey, IndexStatus)>();
        await foreach (var entity in table.QueryAsync($"PartitionKey eq '{StatusPartition}'", cancellationToken: cancellationToken))
        {
            result.Add((new DateIndexKey(entity.GetString("Model") ?? "", entity.GetString("Field") ?? ""), ToStatus(entity)));
        }

        return result;
    }

    public Task AddLateAsync(DateIndexKey key, LateEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return table.UpsertEntityAsync(new TableEntity(Partition(key), LateKey(entry))
        {
            ["RuleId"] = entry.RuleId,
            ["Config"] = entry.Config,
            ["Value"] = entry.Value,
            ["RecordId"] = entry.RecordId,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<LateEntry>> LateAsync(DateIndexKey key, long ruleId, int limit, CancellationToken cancellationToken)
    {
        var prefix = "l" + ruleId.ToString("D12", CultureInfo.InvariantCulture);
        var filter = $"PartitionKey eq {TableKeys.Quote(Partition(key))} and RowKey gt '{prefix}-' and RowKey lt '{prefix}.'";
        var entries = new List<LateEntry>();
        await foreach (var entity in table.QueryAsync(filter, Math.Clamp(limit, 1, 1000), cancellationToken: cancellationToken))
        {
            entries.Add(new LateEntry(entity.GetInt64("RuleId") ?? ruleId, entity.GetString("Config") ?? "", entity.GetInt64("Value") ?? 0,
                entity.GetInt64("RecordId") ?? 0));
            if (entries.Count >= limit)
            {
                break;
            }
        }

        return entries;
    }

    public async Task RemoveLateAsync(DateIndexKey key, LateEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await table.DeleteEntityAsync(Partition(key), LateKey(entry), cancellationToken: cancellationToken);
    }

    /// <summary>The transaction that moves a record's entry to <paramref name="value"/> and records the version.</summary>
    private static List<TableTransactionAction> Move(string partition, long recordId, TableEntity? reverse, long? value, long version, bool entryMissing)
    {
        var actions = new List<TableTransactionAction>(3);
        var old = reverse?.GetInt64("Value");
        if (old != value)
        {
            if (old is { } previous && !entryMissing)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, EntryKey(previous, recordId))));
            }

            if (value is { } current)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, EntryKey(current, recordId))));
            }
        }

        var row = new TableEntity(partition, ReverseKey(recordId)) { ["Value"] = value, ["Version"] = version };
        actions.Add(reverse is null
            ? new TableTransactionAction(TableTransactionActionType.Add, row)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, reverse.ETag));
        return actions;
    }

    private static IndexStatus ToStatus(TableEntity entity) => new()
    {
        Ready = entity.GetBoolean("Ready") ?? false,
        NotBefore = new DateTime(entity.GetInt64("NotBefore") ?? 0, DateTimeKind.Utc),
        Continuation = entity.GetString("Continuation"),
        ReadyAt = entity.GetInt64("ReadyAt") is { } ready ? new DateTime(ready, DateTimeKind.Utc) : null,
        Records = entity.GetInt64("Records") ?? 0,
        ETag = entity.ETag.ToString(),
    };

    private static string Partition(DateIndexKey key) => key.Model + "|" + key.Field;

    private static string StatusKey(DateIndexKey key) => key.Model + "|" + key.Field;

    private static string EntryPrefix(long ticks) => "v" + ticks.ToString("D19", CultureInfo.InvariantCulture);

    private static string EntryKey(long ticks, long recordId) => EntryPrefix(ticks) + "-" + recordId.ToString("D12", CultureInfo.InvariantCulture);

    private static string ReverseKey(long recordId) => "r" + recordId.ToString("D12", CultureInfo.InvariantCulture);

    private static string LateKey(LateEntry entry) => string.Create(CultureInfo.InvariantCulture,
        $"l{entry.RuleId:D12}-{entry.Config}-{entry.Value:D19}-{entry.RecordId:D12}");
}
