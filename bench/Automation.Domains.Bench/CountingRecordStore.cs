using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Domains.Bench;

/// <summary>The real store, counting the entities its listings return (what a search reads from storage).</summary>
internal sealed class CountingRecordStore(IRecordStore inner) : IRecordStore
{
    public long EntitiesRead { get; set; }

    public long Requests { get; set; }

    public Task<RecordData?> FindAsync(ModelDefinition model, long id, CancellationToken cancellationToken) =>
        inner.FindAsync(model, id, cancellationToken);

    public async Task<IReadOnlyList<RecordData>> FindManyAsync(ModelDefinition model, IReadOnlyCollection<long> ids,
        CancellationToken cancellationToken)
    {
        var found = await inner.FindManyAsync(model, ids, cancellationToken);
        EntitiesRead += found.Count;
        Requests++;
        return found;
    }

    public Task<RecordData> CreateAsync(ModelDefinition model, IReadOnlyDictionary<string, object?> values, ChangeContext context,
        CancellationToken cancellationToken, long? id = null) => inner.CreateAsync(model, values, context, cancellationToken, id);

    public Task<RecordData> WriteAsync(ModelDefinition model, long id, IReadOnlyDictionary<string, object?> values, string? ifMatch,
        ChangeContext context, CancellationToken cancellationToken) => inner.WriteAsync(model, id, values, ifMatch, context, cancellationToken);

    public Task DeleteAsync(ModelDefinition model, long id, string? ifMatch, ChangeContext context, CancellationToken cancellationToken) =>
        inner.DeleteAsync(model, id, ifMatch, context, cancellationToken);

    public async Task<RecordPage> ListAsync(ModelDefinition model, string? storageFilter, int limit, string? cursor,
        CancellationToken cancellationToken)
    {
        var page = await inner.ListAsync(model, storageFilter, limit, cursor, cancellationToken);
        EntitiesRead += page.Records.Count;
        Requests++;
        return page;
    }
}
