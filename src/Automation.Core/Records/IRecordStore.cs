using Automation.Core.Events;
using Automation.Core.Models;

namespace Automation.Core.Records;

/// <summary>One page of a listing, with the cursor of the next page (null at the end).</summary>
public sealed record RecordPage(IReadOnlyList<RecordData> Records, string? NextCursor);

/// <summary>
/// Where records live. Every create, write and delete commits together with its change event, which then reaches
/// the rule engine (never lost); writes are guarded by the record's version so no update is lost.
/// </summary>
public interface IRecordStore
{
    Task<RecordData?> FindAsync(ModelDefinition model, long id, CancellationToken cancellationToken);

    /// <summary>The records that exist among <paramref name="ids"/>, in the order of <paramref name="ids"/>.</summary>
    Task<IReadOnlyList<RecordData>> FindManyAsync(ModelDefinition model, IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>Creates a record from validated values; <paramref name="id"/> only for imports and demo data.</summary>
    Task<RecordData> CreateAsync(ModelDefinition model, IReadOnlyDictionary<string, object?> values, ChangeContext context,
        CancellationToken cancellationToken, long? id = null);

    /// <summary>Writes validated values; <paramref name="ifMatch"/> (the version the caller read) makes a stale write a conflict.</summary>
    Task<RecordData> WriteAsync(ModelDefinition model, long id, IReadOnlyDictionary<string, object?> values, string? ifMatch,
        ChangeContext context, CancellationToken cancellationToken);

    Task DeleteAsync(ModelDefinition model, long id, string? ifMatch, ChangeContext context, CancellationToken cancellationToken);

    /// <summary>Records in id order, filtered in storage by <paramref name="storageFilter"/> (an OData <c>$filter</c> on field names).</summary>
    Task<RecordPage> ListAsync(ModelDefinition model, string? storageFilter, int limit, string? cursor, CancellationToken cancellationToken);
}
