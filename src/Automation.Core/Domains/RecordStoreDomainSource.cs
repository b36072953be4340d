using System.Globalization;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Domains;

/// <summary>Related records for the evaluator, read from the record store in batches.</summary>
public sealed class RecordStoreDomainSource(IRecordStore store) : IDomainRecordSource
{
    /// <summary>Ids per storage filter for one2many lookups (the store adds 2 comparisons of its own; the limit is 15).</summary>
    private const int IdsPerFilter = 12;

    public Task<IReadOnlyList<RecordData>> LoadAsync(ModelDefinition model, IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        store.FindManyAsync(model, ids, cancellationToken);

    public async Task<IReadOnlyList<RecordData>> LoadByInverseAsync(ModelDefinition model, string inverseField, IReadOnlyCollection<long> ids,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = new List<RecordData>();
        foreach (var chunk in ids.Distinct().Chunk(IdsPerFilter))
        {
            var filter = string.Join(" or ", chunk.Select(id => $"{inverseField} eq {id.ToString(CultureInfo.InvariantCulture)}L"));
            string? cursor = null;
            do
            {
                var page = await store.ListAsync(model, filter, 1000, cursor, cancellationToken);
                result.AddRange(page.Records);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }

        return result;
    }
}
