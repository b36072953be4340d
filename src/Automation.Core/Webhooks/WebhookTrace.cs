using System.Text.Json.Nodes;

namespace Automation.Core.Webhooks;

/// <summary>One action run on one target record.</summary>
public sealed record ActionStep(long RecordId, string Action, string State, string Status, string? Error, double DurationMs);

/// <summary>A record change an action made (or, in a dry run, would make).</summary>
public sealed record RecordChange(string Model, long Id, string Kind, JsonObject? Values);

/// <summary>
/// What a webhook call did: the target records the getter found, each action's outcome per record, the changes, the
/// lines code logged, and how it ended. The queue handler records it; <c>POST /api/admin/rules/{id}/test</c> returns it.
/// </summary>
public sealed record WebhookTrace
{
    public string? CallId { get; init; }

    public required long RuleId { get; init; }

    public bool DryRun { get; init; }

    public required string Status { get; init; }

    public string? Error { get; init; }

    /// <summary>The Python traceback behind <see cref="Error"/>, when code raised it.</summary>
    public string? Traceback { get; init; }

    public JsonNode? Payload { get; init; }

    public string? Model { get; init; }

    public IReadOnlyList<long> RecordIds { get; init; } = [];

    public IReadOnlyList<ActionStep> Actions { get; init; } = [];

    public IReadOnlyList<RecordChange> Changes { get; init; } = [];

    public IReadOnlyList<string> Logs { get; init; } = [];
}
