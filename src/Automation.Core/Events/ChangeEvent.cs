using System.Text.Json.Nodes;

namespace Automation.Core.Events;

/// <summary>What happened to a record.</summary>
public enum ChangeKind
{
    Create,
    Write,
    Unlink,
}

/// <summary>
/// The (rule, record) pairs already processed in one causal chain, and its depth (ARCHITECTURE §3 "Recursion").
/// Every event an action causes carries its parent's chain; independent edits start new chains.
/// </summary>
public sealed record CausalChain(string Id, int Depth, IReadOnlyList<RuleRecord> Done)
{
    public static CausalChain Start() => new(Guid.NewGuid().ToString("N"), 0, []);
}

/// <summary>One (rule, record) pair of a chain: Odoo's <c>__action_done</c> entry.</summary>
public sealed record RuleRecord(string RuleId, string Model, long RecordId);

/// <summary>Who made the change: the user id actions and rules see as <c>uid</c>.</summary>
public sealed record Actor(long Uid);

/// <summary>
/// A committed change of one record, as the rule engine receives it: before- and after-images in record JSON form
/// (before is null on create, after is null on unlink), the fields that really changed, who, and the chain.
/// </summary>
public sealed record ChangeEvent
{
    public required string Id { get; init; }

    public required ChangeKind Kind { get; init; }

    public required string Model { get; init; }

    public required long RecordId { get; init; }

    public JsonObject? Before { get; init; }

    public JsonObject? After { get; init; }

    public IReadOnlyList<string> Changed { get; init; } = [];

    public required Actor Actor { get; init; }

    public required CausalChain Chain { get; init; }

    /// <summary>When, in whole seconds as Odoo keeps dates (<see cref="Moment"/> has the ticks).</summary>
    public required DateTime At { get; init; }

    /// <summary>
    /// The W3C trace context of the code that made the change (<c>traceparent</c>), so the queue function that handles the
    /// event continues the same trace; null when no trace was active.
    /// </summary>
    [System.Text.Json.Serialization.JsonPropertyName("traceparent")]
    public string? TraceParent { get; init; }

    /// <summary>When, to the tick: event ids start with their UTC ticks (D19), <see cref="At"/> otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTime Moment =>
        Id.Length > 20 && Id[19] == '-' && long.TryParse(Id.AsSpan(0, 19), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
            ? new DateTime(ticks, DateTimeKind.Utc)
            : At;
}

/// <summary>Who and in which chain a change is made.</summary>
public sealed record ChangeContext(Actor Actor, CausalChain Chain)
{
    /// <summary>
    /// Told of every change committed in this context (after the commit). The rule engine uses it to handle the changes
    /// an action makes right after the action, depth first, as Odoo does with nested writes (spec §2.8).
    /// </summary>
    public Action<ChangeEvent>? OnCommitted { get; init; }

    /// <summary>
    /// Whoever receives <see cref="OnCommitted"/> handles these changes itself and settles their pending events, so they
    /// are not published to the queue (saving a queue round trip per change). If the handler dies first, the sweeper
    /// publishes them from their pending entities: nothing is lost, only later.
    /// </summary>
    public bool HandledInline { get; init; }

    /// <summary>An edit from outside (API, webhook): the administrator, a new chain.</summary>
    public static ChangeContext External(long uid = 1) => new(new Actor(uid), CausalChain.Start());
}
