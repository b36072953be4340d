using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Records;

/// <summary>
/// Integer ids per model, HiLo style: an instance reserves a block of ids with one ETag-guarded update of the
/// model's counter entity and hands them out from memory, so concurrent creators do not all write one hot row.
/// Blocks adapt to demand: a block used up within a second doubles the next (up to 1,000), a block that lasts
/// long halves it (down to 1), so a quiet store numbers records 1, 2, 3 … and a busy one reserves rarely.
/// Ids left in a block when the process stops are skipped (like a database sequence's cache).
/// </summary>
public sealed class IdAllocator(TableClient counters, TimeProvider time)
{
    public const string TableName = "counters";
    private const string Partition = "ids";
    private const int MaxBlock = 1000;
    private readonly Dictionary<string, Block> _blocks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<long> NextAsync(string model, CancellationToken cancellationToken)
    {
        var gate = Gate(model);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!_blocks.TryGetValue(model, out var block) || block.Next > block.Last)
            {
                var size = NextSize(block);
                var first = await ReserveAsync(model, size, minimumNext: 0, cancellationToken);
                _blocks[model] = block = new Block(first, first + size - 1, size, time.GetUtcNow());
            }

            return block.Next++;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Makes sure no id up to <paramref name="id"/> is ever handed out (records created with explicit ids).</summary>
    public async Task ReserveThroughAsync(string model, long id, CancellationToken cancellationToken)
    {
        var gate = Gate(model);
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ReserveAsync(model, 0, minimumNext: id + 1, cancellationToken);
            if (_blocks.TryGetValue(model, out var block) && block.Next <= id)
            {
                _blocks.Remove(model);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private int NextSize(Block? previous)
    {
        if (previous is null)
        {
            return 1;
        }

        var lasted = time.GetUtcNow() - previous.ReservedAt;
        return lasted < TimeSpan.FromSeconds(1) ? Math.Min(previous.Size * 2, MaxBlock)
            : lasted > TimeSpan.FromSeconds(10) ? Math.Max(previous.Size / 2, 1)
            : previous.Size;
    }

    /// <summary>
    /// One ETag-guarded step of the model's counter (the next unreserved id): it moves to
    /// <c>max(current + size, minimumNext)</c>. Returns the counter's value before the step, the block's first id.
    /// </summary>
    private async Task<long> ReserveAsync(string model, int size, long minimumNext, CancellationToken cancellationToken)
    {
        while (true)
        {
            var counter = await counters.GetEntityIfExistsAsync(Partition, model, cancellationToken);
            var current = counter?.GetInt64("Next") ?? 1;
            var next = Math.Max(current + size, minimumNext);
            if (counter is not null && next == current)
            {
                return current;
            }

            var entity = new TableEntity(Partition, model) { ["Next"] = next };
            try
            {
                if (counter is null)
                {
                    await counters.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await counters.UpdateEntityAsync(entity, counter.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return current;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another instance moved the counter at the same moment: read it again.
            }
        }
    }

    private SemaphoreSlim Gate(string model)
    {
        lock (_locks)
        {
            if (!_locks.TryGetValue(model, out var gate))
            {
                _locks[model] = gate = new SemaphoreSlim(1, 1);
            }

            return gate;
        }
    }

    private sealed class Block(long first, long last, int size, DateTimeOffset reservedAt)
    {
        public long Next { get; set; } = first;

        public long Last { get; } = last;

        public int Size { get; } = size;

        public DateTimeOffset ReservedAt { get; } = reservedAt;
    }
}
