namespace Automation.Core.Time;

/// <summary>
/// Where a time rule's windows stand. <see cref="LastRun"/> is Odoo's <c>last_run</c>: the end of the last window that was
/// processed to the end (null: 1970, a retroactive rule's first run). A window in progress keeps its <c>now</c> and
/// cursor, so a run that stops (timeout, crash) resumes it rather than starting over.
/// </summary>
public sealed record TimeRuleState
{
    /// <summary>How many window ends <see cref="Bounds"/> keeps (for changes handled late, <see cref="TriggerDateObserver"/>).</summary>
    public const int MaxBounds = 64;

    public required long RuleId { get; init; }

    public DateTime? LastRun { get; init; }

    /// <summary>When the rule last became active (created, re-activated, or first seen).</summary>
    public DateTime? ActivatedAt { get; init; }

    /// <summary>The <c>now</c> of the window in progress; null between windows.</summary>
    public DateTime? WindowNow { get; init; }

    /// <summary>The index position the window in progress has processed up to (null: from its start).</summary>
    public string? WindowCursor { get; init; }

    /// <summary>The window in progress has handled the late entries.</summary>
    public bool WindowLateDone { get; init; }

    /// <summary>A record of the window in progress failed: the window completes, but <see cref="LastRun"/> stays (spec §3.2).</summary>
    public bool WindowFailed { get; init; }

    /// <summary>
    /// Every window start bound, newest last, as of when each window began (activation first): which windows a change
    /// committed at a given time could still reach.
    /// </summary>
    public IReadOnlyList<DateTime> Bounds { get; init; } = [];

    /// <summary><see cref="TimeRuleSpec.Config"/> as of the last window.</summary>
    public string? Config { get; init; }

    /// <summary>The outcome of the rule's last check: done, failed, indexing, missing_date_field, busy.</summary>
    public string? Status { get; init; }

    public string? Error { get; init; }

    public DateTime? CheckedAt { get; init; }

    /// <summary>Records whose actions ran in the last window (or the window in progress).</summary>
    public long Processed { get; init; }

    public string? ETag { get; init; }

    /// <summary>The start of the window a run would process now.</summary>
    public DateTime From => LastRun ?? DateTime.UnixEpoch;

    /// <summary>The latest window end any run has begun with: windows up to it were or are being scanned.</summary>
    public DateTime Scanned => WindowNow is { } now && now > From ? now : From;

    /// <summary>A state for a rule that becomes active at <paramref name="at"/> (retroactive: its first window starts in 1970).</summary>
    public static TimeRuleState Activated(long ruleId, DateTime at, bool retroactive, TimeRuleState? previous = null) => new()
    {
        RuleId = ruleId,
        LastRun = retroactive ? previous?.LastRun : at,
        ActivatedAt = at,
        Bounds = [retroactive ? previous?.LastRun ?? DateTime.UnixEpoch : at],
        ETag = previous?.ETag,
    };

    /// <summary>
    /// The start of the first window a change committed at <paramref name="committed"/> could reach: the newest bound at or
    /// before it (Odoo: the next run after the commit starts there). The oldest known bound when the change is older.
    /// </summary>
    public DateTime ReachableFrom(DateTime committed)
    {
        var reachable = Bounds.Count == 0 ? From : Bounds[0];
        foreach (var bound in Bounds)
        {
            if (bound <= committed && bound > reachable)
            {
                reachable = bound;
            }
        }

        return reachable;
    }
}

/// <summary>The scheduled job ("Automation Rules: check and execute", spec §3.1), as Odoo's cron record holds it.</summary>
public sealed record SchedulerState
{
    public bool Active { get; init; }

    public int IntervalMinutes { get; init; } = SchedulerInterval.MaximumMinutes;

    public DateTime? LastCheck { get; init; }

    public DateTime? NextCheck { get; init; }

    /// <summary>done, failed (a rule failed: the last error names it) or incomplete (the time budget ran out: resumed next time).</summary>
    public string? LastStatus { get; init; }

    public string? LastError { get; init; }

    /// <summary>The fields of all rules that Odoo's cron update looks at (spec §3.5), as of the last update.</summary>
    public string? RulesFingerprint { get; init; }

    public string? ETag { get; init; }
}

/// <summary>A state was changed by someone else since it was read.</summary>
public sealed class StateConflictException(string what) : Exception($"{what} was changed concurrently; read it again.");

/// <summary>Time rule states, the scheduler, and the lease that keeps one check running at a time.</summary>
public interface ITimeRuleStates
{
    Task<IReadOnlyList<TimeRuleState>> ListAsync(CancellationToken cancellationToken);

    Task<TimeRuleState?> GetAsync(long ruleId, CancellationToken cancellationToken);

    /// <summary>Saves guarded by <see cref="TimeRuleState.ETag"/> (none: must be new); throws <see cref="StateConflictException"/>.</summary>
    Task<TimeRuleState> SaveAsync(TimeRuleState state, CancellationToken cancellationToken);

    Task DeleteAsync(long ruleId, CancellationToken cancellationToken);

    Task<SchedulerState> GetSchedulerAsync(CancellationToken cancellationToken);

    /// <summary>Saves guarded by <see cref="SchedulerState.ETag"/>; throws <see cref="StateConflictException"/>.</summary>
    Task<SchedulerState> SaveSchedulerAsync(SchedulerState state, CancellationToken cancellationToken);

    /// <summary>Takes the check's lease for <paramref name="owner"/> until <paramref name="until"/> if nobody else holds it now.</summary>
    Task<bool> TryAcquireAsync(string owner, DateTime now, DateTime until, CancellationToken cancellationToken);

    /// <summary>Extends the lease; false when <paramref name="owner"/> no longer holds it.</summary>
    Task<bool> RenewAsync(string owner, DateTime until, CancellationToken cancellationToken);

    Task ReleaseAsync(string owner, CancellationToken cancellationToken);

    /// <summary>Who holds the lease and until when (null: nobody).</summary>
    Task<(string Owner, DateTime Until)?> LeaseAsync(CancellationToken cancellationToken);
}
