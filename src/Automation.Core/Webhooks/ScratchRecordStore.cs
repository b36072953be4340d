using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Webhooks;

/// <summary>
/// A dry run's record store: reads the saved records, keeps its own creates, writes and deletes in memory, and never
/// saves anything or emits a change event to the queue (so no other rule runs). The run's own changes are reported
/// through <see cref="ChangeContext.OnCommitted"/> as they would be after a commit. Searches read saved data; the
/// records they return show the run's changes, and records the run created are added at the end of a listing.
/// </summary>
public sealed class ScratchRecordStore(IRecordStore saved) : IRecordStore
{
    /// <summary>Ids of records a dry run creates start here, far above real ids.</summary>
    public const long FirstScratchId = 900_000_000_000;

    private readonly Dictionary<(string Model, long Id), RecordData?> _changed = [];
    private long _nextId = FirstScratchId;

    public async Task<RecordData?> FindAsync(ModelDefinition model, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (_changed)
        {
            if (_changed.TryGetValue((model.Name, id), out var mine))
            {
                return mine;
            }
        }

        return await saved.FindAsync(model, id, cancellationToken);
    }

    public async Task<IReadOnlyList<RecordData>> FindManyAsync(ModelDefinition model, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var found = new List<RecordData>();
        foreach (var id in ids)
        {
            if (await FindAsync(model, id, cancellationToken) is { } record)
            {
                found.Add(record);
            }
        }

        return found;
    }

    public Task<RecordData> CreateAsync(ModelDefinition model, IReadOnlyDictionary<string, object?> values, ChangeContext context,
        CancellationToken cancellationToken, long? id = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        var now = Now();
        var record = new RecordData(model.Name, id ?? Interlocked.Increment(ref _nextId), new Dictionary<string, object?>(values, StringComparer.Ordinal))
        {
            CreateDate = now,
            WriteDate = now,
            ETag = "scratch",
        };
        Keep(record);
        Report(context, ChangeKind.Create, model, record.Id, null, record,
            model.Fields.Where(f => f.IsStored && !FieldValues.IsMissing(f, values.GetValueOrDefault(f.Name))).Select(f => f.Name).ToList());
        return Task.FromResult(record);
    }

    public async Task<RecordData> WriteAsync(ModelDefinition model, long id, IReadOnlyDictionary<string, object?> values, string? ifMatch,
        ChangeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(context);
        var before = await FindAsync(model, id, cancellationToken) ?? throw new RecordNotFoundException(model.Name, id);
        var merged = new Dictionary<string, object?>(before.Values, StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            merged[name] = value;
        }

        var after = before with { Values = merged, WriteDate = Now(), ETag = "scratch" };
        Keep(after);
        Report(context, ChangeKind.Write, model, id, before, after,
            model.Fields.Where(f => f.IsStored && values.ContainsKey(f.Name) && !FieldValues.AreEqual(f, before[f.Name], after[f.Name]))
                .Select(f => f.Name).ToList());
        return after;
    }

    public async Task DeleteAsync(ModelDefinition model, long id, string? ifMatch, ChangeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        var before = await FindAsync(model, id, cancellationToken) ?? throw new RecordNotFoundException(model.Name, id);
        lock (_changed)
        {
            _changed[(model.Name, id)] = null;
        }

        Report(context, ChangeKind.Unlink, model, id, before, null, []);
    }

    public async Task<RecordPage> ListAsync(ModelDefinition model, string? storageFilter, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var page = await saved.ListAsync(model, storageFilter, limit, cursor, cancellationToken);
        var records = new List<RecordData>();
        lock (_changed)
        {
            foreach (var record in page.Records)
            {
                if (!_changed.TryGetValue((model.Name, record.Id), out var mine))
                {
                    records.Add(record);
                }
                else if (mine is not null)
                {
                    records.Add(mine);
                }
            }

            if (page.NextCursor is null)
            {
                records.AddRange(_changed.Where(c => c.Key.Model == model.Name && c.Key.Id >= FirstScratchId && c.Value is not null)
                    .OrderBy(c => c.Key.Id).Select(c => c.Value!));
            }
        }

        return page with { Records = records };
    }

    private void Keep(RecordData record)
    {
        lock (_changed)
        {
            _changed[(record.Model, record.Id)] = record;
        }
    }

    private static void Report(ChangeContext context, ChangeKind kind, ModelDefinition model, long id, RecordData? before, RecordData? after,
        IReadOnlyList<string> changed) =>
        context.OnCommitted?.Invoke(new ChangeEvent
        {
            Id = "dry-run",
            Kind = kind,
            Model = model.Name,
            RecordId = id,
            Before = before is null ? null : RecordJson.ToJson(model, before),
            After = after is null ? null : RecordJson.ToJson(model, after),
            Changed = changed,
            Actor = context.Actor,
            Chain = context.Chain,
            At = DateTime.UtcNow,
        });

    private static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}
