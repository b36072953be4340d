using System.Collections.Concurrent;
using System.Globalization;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Sequences;
using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Records;

/// <summary>
/// Draws numbers of <c>ir.sequence</c> records (spec §6): prefix and suffix placeholders, padding, step, and per-date-range
/// counters (<c>ir.sequence.date_range</c>, created for the calendar year on the first draw outside every range). A
/// counter is its entity's <c>number_next</c>, advanced with an ETag-guarded merge, so concurrent draws, here or on
/// other instances, never return the same number. Draws waiting on the same counter in this process share one
/// storage round trip (each gets its own number of the block reserved), which is what makes a busy sequence fast.
/// Like Odoo's SQL update, a draw is not a record write and fires no rule. Both implementations (standard, no_gap)
/// draw this way: a number is skipped only when whoever drew it fails to use it.
/// </summary>
public sealed class SequenceNumbers(TableClient records, Func<IRecordStore>? store = null, TimeProvider? time = null) : ISequenceSource
{
    public const string Model = "ir.sequence";

    public const string RangeModel = "ir.sequence.date_range";

    /// <summary>The sequence that names sales orders.</summary>
    public const string SaleOrderCode = "sale.order";

    /// <summary>How long a draw waits for another process to finish creating the date range it needs.</summary>
    public static readonly TimeSpan RangeClaimTimeout = TimeSpan.FromSeconds(30);

    private const string RangeClaimPrefix = "~rng~";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(string Partition, string Row), Counter> _counters = new();

    /// <summary>The next number of the active sequence with <paramref name="code"/>, or null when there is none.
    /// With <paramref name="peek"/> the number is formatted but not drawn.</summary>
    public async Task<string?> NextAsync(string code, CancellationToken cancellationToken, bool peek = false)
    {
        var filter = $"PartitionKey eq '{Model}' and RowKey lt '{RecordEntities.EndOfRecords}' and code eq {TableKeys.Quote(code)}";
        await foreach (var entity in records.QueryAsync(filter, maxPerPage: 10, cancellationToken: cancellationToken))
        {
            if (entity.GetBoolean("active") != false)
            {
                return await NextAsync(entity, null, peek, cancellationToken);
            }
        }

        return null;
    }

    public async Task<string?> NextByIdAsync(long sequenceId, DateOnly? date, CancellationToken cancellationToken, bool peek = false)
    {
        var row = RecordEntities.RowKey(sequenceId);
        if (peek)
        {
            var entity = await records.GetEntityIfExistsAsync(Model, row, cancellationToken);
            return entity is null || entity.GetBoolean("active") == false ? null : await NextAsync(entity, date, peek, cancellationToken);
        }

        // The draw reads the sequence itself (or reuses the version this process drew last), so a plain sequence costs one
        // shared storage round trip per batch of concurrent draws, not one read per draw.
        var draw = await DrawAsync(Model, row, 1, cancellationToken);
        return draw.Entity is null ? null : await NextAsync(draw.Entity, date, draw, cancellationToken);
    }

    private Task<string> NextAsync(TableEntity sequence, DateOnly? date, bool peek, CancellationToken cancellationToken) =>
        NextAsync(sequence, date, peek ? null : Draw.None, cancellationToken);

    /// <summary>Formats the next number of <paramref name="sequence"/>; <paramref name="draw"/> is null when peeking, and
    /// carries the number already reserved when the caller drew from the sequence entity itself.</summary>
    private async Task<string> NextAsync(TableEntity sequence, DateOnly? date, Draw? draw, CancellationToken cancellationToken)
    {
        var peek = draw is null;
        var now = _time.GetUtcNow().UtcDateTime;
        var day = date ?? DateOnly.FromDateTime(now);
        var effective = date is { } d ? d.ToDateTime(TimeOnly.FromDateTime(now)) : now;
        var name = sequence.GetString("name") ?? sequence.RowKey;
        var step = sequence.GetInt64("number_increment") ?? 1;
        var padding = (int)Math.Clamp(sequence.GetInt64("padding") ?? 0, 0, 64);
        long number;
        DateTime? rangeStart = null;
        if (sequence.GetBoolean("use_date_range") == true)
        {
            var range = await RangeAsync(sequence, day, peek, cancellationToken);
            rangeStart = range?.From.ToDateTime(TimeOnly.MinValue);
            number = range is null ? 1 // peeking where no range exists yet: the range a draw would create starts at 1
                : peek ? range.Entity.GetInt64("number_next") ?? 1
                : (await DrawAsync(RangeModel, range.Entity.RowKey, step, cancellationToken)).Number!.Value;
        }
        else
        {
            number = peek ? sequence.GetInt64("number_next") ?? 1
                : draw!.Number ?? (await DrawAsync(Model, sequence.RowKey, step, cancellationToken)).Number
                ?? throw new SequenceException($"The sequence {name} was archived or deleted while drawing from it.");
        }

        var values = SequenceFormat.Placeholders(effective, rangeStart, now);
        return SequenceFormat.Format(name, sequence.GetString("prefix"), sequence.GetString("suffix"), padding, number, values);
    }

    /// <summary>
    /// Reserves one number of the counter entity (<paramref name="partition"/>, <paramref name="row"/>). Concurrent calls
    /// for the same counter join the reservation in flight or the next one: one ETag-guarded merge serves them all. On a
    /// sequence entity (not a date range), an archived or missing sequence or one that uses date ranges reserves nothing:
    /// the draw then carries the entity (or null) and no number.
    /// </summary>
    private Task<Draw> DrawAsync(string partition, string row, long fallbackStep, CancellationToken cancellationToken)
    {
        var counter = _counters.GetOrAdd((partition, row), key => new Counter(key.Partition, key.Row));
        var waiter = new TaskCompletionSource<Draw>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (counter)
        {
            counter.Waiting.Add(waiter);
            lead = !counter.Running;
            counter.Running = true;
        }

        if (lead)
        {
            _ = Task.Run(() => ReserveLoopAsync(counter, fallbackStep), CancellationToken.None);
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    private async Task ReserveLoopAsync(Counter counter, long fallbackStep)
    {
        while (true)
        {
            List<TaskCompletionSource<Draw>> batch;
            lock (counter)
            {
                if (counter.Waiting.Count == 0)
                {
                    counter.Running = false;
                    return;
                }

                batch = [.. counter.Waiting];
                counter.Waiting.Clear();
            }

            try
            {
                var (entity, first, step) = await ReserveAsync(counter, batch.Count, fallbackStep);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].TrySetResult(new Draw(entity, first is { } f ? f + (i * step) : null));
                }
            }
            catch (Exception e)
            {
                foreach (var waiter in batch)
                {
                    waiter.TrySetException(e);
                }
            }
        }
    }

    /// <summary>
    /// Advances <c>number_next</c> by <paramref name="count"/> steps; returns the counter entity as it was when the numbers
    /// were reserved, the first reserved number and the step. The merge is guarded by the entity's ETag, starting from the
    /// version this process wrote last: while nobody else draws or edits the sequence, a batch is one round trip.
    /// </summary>
    private async Task<(TableEntity? Entity, long? First, long Step)> ReserveAsync(Counter counter, int count, long fallbackStep)
    {
        var entity = counter.Last;
        for (var attempt = 1; ; attempt++)
        {
            entity ??= await records.GetEntityIfExistsAsync(counter.Partition, counter.Row, CancellationToken.None);
            if (entity is null)
            {
                counter.Last = null;
                return counter.Partition == Model
                    ? (null, null, 0)
                    : throw new SequenceException($"The sequence counter {counter.Partition} {counter.Row} no longer exists.");
            }

            if (counter.Partition == Model && (entity.GetBoolean("active") == false || entity.GetBoolean("use_date_range") == true))
            {
                counter.Last = null;
                return (entity.GetBoolean("active") == false ? null : entity, null, 0);
            }

            var next = entity.GetInt64("number_next") ?? 1;
            var step = counter.Partition == Model ? entity.GetInt64("number_increment") ?? fallbackStep : fallbackStep;
            if (step == 0)
            {
                counter.Last = null;
                throw new SequenceException("Step must not be zero.");
            }

            var update = new TableEntity(counter.Partition, counter.Row) { ["number_next"] = next + (step * count) };
            try
            {
                var etag = await records.UpdateEntityAsync(update, entity.ETag, TableUpdateMode.Merge, CancellationToken.None);
                var drawn = Copy(entity);
                var after = Copy(entity);
                after["number_next"] = next + (step * count);
                after.ETag = etag;
                counter.Last = after;
                return (drawn, next, step);
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 1000)
            {
                entity = null; // drawn or edited elsewhere since: read again
            }
            catch
            {
                counter.Last = null;
                throw;
            }
        }
    }

    private static TableEntity Copy(TableEntity entity)
    {
        var copy = new TableEntity(entity.PartitionKey, entity.RowKey) { ETag = entity.ETag, Timestamp = entity.Timestamp };
        foreach (var (key, value) in entity)
        {
            copy[key] = value;
        }

        return copy;
    }

    /// <summary>What one draw got: the counter entity as it was when drawn (null when gone or archived), and its number
    /// (null when nothing was reserved).</summary>
    private sealed record Draw(TableEntity? Entity, long? Number)
    {
        /// <summary>Nothing drawn yet: the caller draws.</summary>
        public static readonly Draw None = new(null, null);
    }

    private sealed class Counter(string partition, string row)
    {
        public string Partition { get; } = partition;

        public string Row { get; } = row;

        public List<TaskCompletionSource<Draw>> Waiting { get; } = [];

        public bool Running { get; set; }

        /// <summary>The counter entity as this process last wrote it, with its ETag; only the reserve loop touches it.</summary>
        public TableEntity? Last { get; set; }
    }

    private sealed record Range(TableEntity Entity, DateOnly From, DateOnly To);

    /// <summary>
    /// The date range of <paramref name="sequence"/> that contains <paramref name="day"/>, created when there is none (spec
    /// §6). Creation is claimed first (an entity keyed by sequence and start date), so two draws racing for a new range
    /// end up on the same one; a claim whose creator died is taken over after <see cref="RangeClaimTimeout"/>.
    /// </summary>
    private async Task<Range?> RangeAsync(TableEntity sequence, DateOnly day, bool peek, CancellationToken cancellationToken)
    {
        var sequenceId = long.Parse(sequence.RowKey, CultureInfo.InvariantCulture);
        var deadline = _time.GetUtcNow() + RangeClaimTimeout + RangeClaimTimeout;
        string? createdClaimSeen = null;
        while (true)
        {
            var ranges = await RangesAsync(sequenceId, cancellationToken);
            if (ranges.FirstOrDefault(r => r.From <= day && day <= r.To) is { } found)
            {
                return found;
            }

            if (peek)
            {
                return null;
            }

            var (from, to) = SequenceFormat.NewRange(day, ranges.Select(r => (r.From, r.To)));
            var claimKey = $"{RangeClaimPrefix}{sequence.RowKey}~{from:yyyy-MM-dd}";
            var claim = new TableEntity(RangeModel, claimKey) { ["ClaimedAt"] = _time.GetUtcNow() };
            ETag etag;
            try
            {
                etag = await records.AddEntityAsync(claim, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                var existing = await records.GetEntityIfExistsAsync(RangeModel, claimKey, cancellationToken);
                if (existing?.GetInt64("RangeId") is not null && createdClaimSeen != claimKey)
                {
                    createdClaimSeen = claimKey; // created meanwhile: look for it once more before deciding it is gone
                    continue;
                }

                var stale = existing is not null && (existing.GetInt64("RangeId") is not null // created, but since moved or deleted
                    || existing.GetDateTimeOffset("ClaimedAt") < _time.GetUtcNow() - RangeClaimTimeout);
                if (existing is null || !stale)
                {
                    if (_time.GetUtcNow() > deadline)
                    {
                        throw new SequenceException($"Timed out waiting for the date range {from:yyyy-MM-dd} of sequence {sequenceId} to be created.");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
                    continue;
                }

                try
                {
                    claim["RangeId"] = null;
                    etag = await records.UpdateEntityAsync(claim, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                catch (RequestFailedException conflict) when (conflict.Status == 412)
                {
                    continue; // another draw took it over first
                }
            }

            var model = BuiltInModels.Find(RangeModel)!;
            var created = await Store().CreateAsync(model, new Dictionary<string, object?>
            {
                ["sequence_id"] = sequenceId,
                ["date_from"] = from,
                ["date_to"] = to,
                ["number_next"] = 1L,
            }, ChangeContext.External(), cancellationToken);
            await records.UpdateEntityAsync(new TableEntity(RangeModel, claimKey) { ["RangeId"] = created.Id }, etag, TableUpdateMode.Merge,
                cancellationToken);
        }
    }

    private async Task<List<Range>> RangesAsync(long sequenceId, CancellationToken cancellationToken)
    {
        var ranges = new List<Range>();
        var filter = $"{RecordEntities.ModelFilter(RangeModel)} and sequence_id eq {sequenceId.ToString(CultureInfo.InvariantCulture)}L";
        await foreach (var entity in records.QueryAsync(filter, cancellationToken: cancellationToken))
        {
            if (DateOnly.TryParseExact(entity.GetString("date_from"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from) &&
                DateOnly.TryParseExact(entity.GetString("date_to"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
            {
                ranges.Add(new Range(entity, from, to));
            }
        }

        return ranges;
    }

    private IRecordStore Store() => store?.Invoke() ?? throw new SequenceException("Date-range sequences need the record store.");

    /// <summary>Fields whose empty value on create is filled from their sequence.</summary>
    public static IEnumerable<FieldDefinition> SequencedFields(ModelDefinition model) =>
        model.Fields.Where(f => f.Sequence is not null && f.Type == FieldType.Char);
}
