namespace Automation.Core.Rules;

/// <summary>What one action did in a run.</summary>
public sealed record ActionOutcome(string Action, string State, string Status, string? Error, double DurationMs);

/// <summary>
/// One run of one rule for one event (or webhook call): which records, each action's outcome, and how it ended.
/// Keyed by (rule, <see cref="Key"/>) where the key derives from the event, so a redelivered event finds its run and
/// does not repeat the actions already completed.
/// </summary>
public sealed record RuleRun
{
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";

    public required long RuleId { get; init; }

    public required string Key { get; init; }

    /// <summary>The change event or webhook call that caused the run.</summary>
    public required string SourceId { get; init; }

    public required string Model { get; init; }

    public IReadOnlyList<long> RecordIds { get; init; } = [];

    public string Status { get; init; } = Running;

    /// <summary>Actions completed so far, in order; a resumed run starts after them.</summary>
    public int ActionsDone { get; init; }

    public IReadOnlyList<ActionOutcome> Outcomes { get; init; } = [];

    public string? Error { get; init; }

    public string? ChainId { get; init; }

    public DateTime StartedAt { get; init; }

    /// <summary>While running: until when the processor that claimed it holds it; a later processor may take over after.</summary>
    public DateTime? LeaseUntil { get; init; }

    public DateTime? FinishedAt { get; init; }

    /// <summary>The user the actions ran as (the change's author); null for webhook calls, which run as the administrator.</summary>
    public long? Uid { get; init; }

    /// <summary>How the run ended before each replay (management API), oldest first.</summary>
    public IReadOnlyList<RunAttempt> PreviousAttempts { get; init; } = [];

    /// <summary>
    /// Newest first within a rule: the key sorts by inverted time, then the source's unique part, so "the last N runs of
    /// a rule" is a prefix scan of its partition. Event ids start with their UTC ticks (D19).
    /// </summary>
    public static string KeyFor(string sourceId, DateTime at)
    {
        var ticks = sourceId.Length > 20 && sourceId[19] == '-' && long.TryParse(sourceId.AsSpan(0, 19), out var t) ? t : at.Ticks;
        return (long.MaxValue - ticks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "-" + sourceId;
    }

    /// <summary>A run's id in the API, logs and traces: <c>&lt;rule id&gt;-&lt;run key&gt;</c>.</summary>
    public static string IdOf(long ruleId, string key) => ruleId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + key;
}

/// <summary>How a run had ended when it was replayed, and who replayed it (an API key id).</summary>
public sealed record RunAttempt(DateTime? FinishedAt, string Status, string? Error, int ActionsDone, DateTime ReplayedAt, string? ReplayedBy);

/// <summary>Another processor is running this rule on this event right now: retry the delivery later.</summary>
public sealed class RunBusyException(long ruleId, string key)
    : Exception($"Rule {ruleId} is already running for {key} elsewhere; the delivery will be retried.");

/// <summary>Run records (ARCHITECTURE §4: idempotent handlers keyed by message/call id).</summary>
public interface IRunLog
{
    /// <summary>
    /// Claims the run before its actions run: inserts it when new, or takes over a running one whose lease expired.
    /// Returns the run to continue (claimed), or the finished run (nothing to do); throws <see cref="RunBusyException"/>
    /// while another processor holds it.
    /// </summary>
    Task<RuleRun> ClaimAsync(RuleRun run, TimeSpan lease, CancellationToken cancellationToken);

    Task<RuleRun?> FindAsync(long ruleId, string key, CancellationToken cancellationToken);

    Task SaveAsync(RuleRun run, CancellationToken cancellationToken);

    /// <summary>The newest runs of a rule.</summary>
    Task<IReadOnlyList<RuleRun>> ListAsync(long ruleId, int limit, CancellationToken cancellationToken);
}
