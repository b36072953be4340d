using System.Text.Json.Nodes;

namespace Automation.Core.Rules;

/// <summary>Triggers of spec §1.2 (Odoo 19 values).</summary>
public static class Triggers
{
    public const string OnCreate = "on_create";
    public const string OnCreateOrWrite = "on_create_or_write";
    public const string OnWrite = "on_write";
    public const string OnUnlink = "on_unlink";
    public const string OnStageSet = "on_stage_set";
    public const string OnUserSet = "on_user_set";
    public const string OnTagSet = "on_tag_set";
    public const string OnStateSet = "on_state_set";
    public const string OnPrioritySet = "on_priority_set";
    public const string OnArchive = "on_archive";
    public const string OnUnarchive = "on_unarchive";
    public const string OnChange = "on_change";
    public const string OnMessageSent = "on_message_sent";
    public const string OnMessageReceived = "on_message_received";
    public const string OnTime = "on_time";
    public const string OnTimeCreated = "on_time_created";
    public const string OnTimeUpdated = "on_time_updated";
    public const string OnWebhook = "on_webhook";

    /// <summary>spec §2.2 <c>CREATE_TRIGGERS</c>.</summary>
    public static readonly IReadOnlySet<string> Create = new HashSet<string>(StringComparer.Ordinal)
    {
        OnCreate, OnCreateOrWrite, OnPrioritySet, OnStageSet, OnStateSet, OnTagSet, OnUserSet,
    };

    /// <summary>spec §2.3 <c>WRITE_TRIGGERS</c>.</summary>
    public static readonly IReadOnlySet<string> Write = new HashSet<string>(StringComparer.Ordinal)
    {
        OnWrite, OnArchive, OnUnarchive, OnCreateOrWrite, OnPrioritySet, OnStageSet, OnStateSet, OnTagSet, OnUserSet,
    };

    public static readonly IReadOnlySet<string> Mail = new HashSet<string>(StringComparer.Ordinal) { OnMessageSent, OnMessageReceived };

    public static readonly IReadOnlySet<string> Time = new HashSet<string>(StringComparer.Ordinal) { OnTime, OnTimeCreated, OnTimeUpdated };

    public static readonly IReadOnlySet<string> All = new HashSet<string>(
        [.. Create, .. Write, .. Mail, .. Time, OnUnlink, OnChange, OnWebhook], StringComparer.Ordinal);
}

/// <summary>
/// An automation rule (Odoo's <c>base.automation</c>, spec §1.1) with its actions inline. Field names are Odoo's,
/// so the JSON of API.md "Rules" maps one to one.
/// </summary>
public sealed record AutomationRule
{
    public long Id { get; init; }

    public required string Name { get; init; }

    public required string Model { get; init; }

    public bool Active { get; init; } = true;

    public required string Trigger { get; init; }

    /// <summary>"When updating": field names; empty = all fields.</summary>
    public IReadOnlyList<string> TriggerFieldIds { get; init; } = [];

    public string? TrgSelectionFieldId { get; init; }

    public long? TrgFieldRef { get; init; }

    /// <summary>"Before Update Domain", Odoo text or JSON.</summary>
    public string? FilterPreDomain { get; init; }

    /// <summary>"Apply on" domain.</summary>
    public string? FilterDomain { get; init; }

    public string? TrgDateId { get; init; }

    public int TrgDateRange { get; init; }

    public string? TrgDateRangeType { get; init; }

    public string? TrgDateRangeMode { get; init; }

    public long? TrgDateCalendarId { get; init; }

    public IReadOnlyList<string> OnChangeFieldIds { get; init; } = [];

    public string? RecordGetter { get; init; }

    public bool LogWebhookCalls { get; init; }

    public DateTime? LastRun { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<ServerAction> Actions { get; init; } = [];

    /// <summary>Webhook guards and anything else carried through unchanged (API.md: <c>webhook_*</c>).</summary>
    public JsonObject Extra { get; init; } = [];
}

/// <summary>
/// A server action (Odoo's <c>ir.actions.server</c>, spec §5). Common fields are typed; the per-state fields
/// (<c>update_path</c>, <c>value</c>, <c>code</c>, …) stay in <see cref="Fields"/> under their Odoo names.
/// </summary>
public sealed record ServerAction
{
    public string? Id { get; init; }

    public required string Name { get; init; }

    public int Sequence { get; init; } = 5;

    public required string State { get; init; }

    public JsonObject Fields { get; init; } = [];

    /// <summary>A multi action's children (<c>child_ids</c>) resolved, in <c>sequence, name, id</c> order (spec §5.12).</summary>
    public IReadOnlyList<ServerAction> Children { get; init; } = [];

    public string? Text(string name) => Fields[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
