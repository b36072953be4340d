namespace Automation.Core.Time;

/// <summary>One index: the trigger dates of one date field of one model, shared by every time rule that reads that field.</summary>
public readonly record struct DateIndexKey(string Model, string Field)
{
    public override string ToString() => Model + "." + Field;
}

/// <summary>A record's trigger date in an index, and where it sits (the scan cursor after it).</summary>
public sealed record IndexedDate(long RecordId, long Value, string Position);

/// <summary>A due record the index saw too late for the window that covered it (see <see cref="TriggerDateObserver"/>).</summary>
public sealed record LateEntry(long RuleId, string Config, long Value, long RecordId);

/// <summary>How far an index is built. An index is usable when <see cref="Ready"/>; until then the rules that read it wait.</summary>
public sealed record IndexStatus
{
    public bool Ready { get; init; }

    /// <summary>The build starts no earlier: every instance's view of the rules must include the rule that asked for it.</summary>
    public DateTime NotBefore { get; init; }

    /// <summary>Where the build goes on: the records listing's cursor after the last page merged (null: from the start).</summary>
    public string? Continuation { get; init; }

    public DateTime? ReadyAt { get; init; }

    /// <summary>Records merged so far by the build.</summary>
    public long Records { get; init; }

    /// <summary>The storage version, for a guarded save; null for a new status.</summary>
    public string? ETag { get; init; }
}

/// <summary>
/// The index of trigger dates (ARCHITECTURE §3 "Time": selection must not scan every record). Entries are versioned by
/// the time of the change that set them (the event's commit, or the moment a build read the record), so an older event
/// handled late never overwrites a newer value. "Due in [a, b)" is a range scan.
/// </summary>
public interface ITriggerDateIndex
{
    /// <summary>
    /// Sets a record's date (null removes it) as of the change at <paramref name="version"/>. False when the index already
    /// holds a newer change of the record (this one is superseded); true when it holds this one (set now, or before).
    /// </summary>
    Task<bool> SetAsync(DateIndexKey key, long recordId, long? value, long version, CancellationToken cancellationToken);

    /// <summary>A build's page: each record's date as read at <paramref name="version"/>, merged under the same rule as <see cref="SetAsync"/>.</summary>
    Task MergeAsync(DateIndexKey key, IReadOnlyList<(long RecordId, long? Value)> records, long version, CancellationToken cancellationToken);

    /// <summary>Entries with a date in [<paramref name="from"/>, <paramref name="to"/>), after <paramref name="after"/>, in date order.</summary>
    Task<IReadOnlyList<IndexedDate>> ScanAsync(DateIndexKey key, long from, long to, string? after, int limit, CancellationToken cancellationToken);

    Task<IndexStatus?> StatusAsync(DateIndexKey key, CancellationToken cancellationToken);

    /// <summary>Saves a status guarded by its ETag (none: it must not exist yet); false when someone else changed it first.</summary>
    Task<bool> TrySaveStatusAsync(DateIndexKey key, IndexStatus status, CancellationToken cancellationToken);

    Task<IReadOnlyList<(DateIndexKey Key, IndexStatus Status)>> StatusesAsync(CancellationToken cancellationToken);

    Task AddLateAsync(DateIndexKey key, LateEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<LateEntry>> LateAsync(DateIndexKey key, long ruleId, int limit, CancellationToken cancellationToken);

    Task RemoveLateAsync(DateIndexKey key, LateEntry entry, CancellationToken cancellationToken);
}
