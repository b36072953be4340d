using System.Globalization;
using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Management;

/// <summary>
/// Deletes old rows from tables whose RowKeys start with an inverted time (19 digits, newest first): in every partition
/// the old rows are one key range at the end, so retention is a range query per partition and entity-group deletes of up
/// to 100 rows, never a scan of what is kept. Partitions are found by skipping from one to the next (one small query each).
/// </summary>
public static class RangeDeletes
{
    /// <summary>What one sweep removed, and whether it stopped at its budget with more to do.</summary>
    public sealed record Result(int Deleted, bool Exhausted);

    /// <param name="invertedBase">What the keys' times are subtracted from: <see cref="long.MaxValue"/> (runs) or
    /// <see cref="DateTime.MaxValue"/>'s ticks (webhook logs).</param>
    /// <param name="olderThan">Rows for moments before this go.</param>
    /// <param name="maxDeletes">The sweep stops after this many; the next one goes on.</param>
    public static async Task<Result> DeleteOlderAsync(TableClient table, long invertedBase, DateTime olderThan, int maxDeletes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var bound = LowerBoundOfOld(invertedBase, olderThan);
        var deleted = 0;
        string? partition = null;
        while (deleted < maxDeletes && await NextPartitionAsync(table, partition, cancellationToken) is { } next)
        {
            partition = next;
            var filter = $"PartitionKey eq {TableKeys.Quote(partition)} and RowKey ge {TableKeys.Quote(bound)}";
            var batch = new List<string>(TableTransaction.MaxOperations);
            await foreach (var entity in table.QueryAsync(filter, TableTransaction.MaxOperations, ["RowKey"], cancellationToken))
            {
                batch.Add(entity.RowKey);
                if (batch.Count == TableTransaction.MaxOperations)
                {
                    deleted += await DeleteBatchAsync(table, partition, batch, cancellationToken);
                    batch.Clear();
                    if (deleted >= maxDeletes)
                    {
                        return new Result(deleted, true);
                    }
                }
            }

            if (batch.Count > 0)
            {
                deleted += await DeleteBatchAsync(table, partition, batch, cancellationToken);
            }
        }

        return new Result(deleted, deleted >= maxDeletes);
    }

    /// <summary>The smallest RowKey prefix of a moment before <paramref name="olderThan"/>.</summary>
    public static string LowerBoundOfOld(long invertedBase, DateTime olderThan) =>
        (invertedBase - olderThan.Ticks + 1).ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The first partition after <paramref name="after"/> (null: the first of the table), or null at the end.</summary>
    private static async Task<string?> NextPartitionAsync(TableClient table, string? after, CancellationToken cancellationToken)
    {
        var filter = after is null ? null : $"PartitionKey gt {TableKeys.Quote(after)}";
        await foreach (var entity in table.QueryAsync(filter, 1, ["PartitionKey"], cancellationToken))
        {
            return entity.PartitionKey;
        }

        return null;
    }

    private static async Task<int> DeleteBatchAsync(TableClient table, string partition, List<string> rows, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(
                rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, r))).ToList(), cancellationToken);
            return rows.Count;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // One of them went meanwhile (another sweep): the rest one by one.
            var count = 0;
            foreach (var row in rows)
            {
                count += await table.DeleteEntityAsync(partition, row, cancellationToken: cancellationToken) ? 1 : 0;
            }

            return count;
        }
    }
}
