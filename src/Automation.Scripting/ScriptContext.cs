using Automation.Scripting.Odoo;

namespace Automation.Scripting;

/// <summary>What a run sees: plain variables and, optionally, the Odoo environment (spec §5.1).</summary>
public sealed class ScriptContext
{
    /// <summary>Variables as .NET values (string, long, int, double, decimal, bool, null, DateTime, DateOnly,
    /// IDictionary, IEnumerable, JsonElement, <see cref="ScriptRecordSet"/>). Converted when the run starts.</summary>
    public IDictionary<string, object?> Variables { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>The record store behind <c>env</c>; null for pure expressions.</summary>
    public IScriptEnvironment? Environment { get; init; }

    /// <summary>Model of <c>model</c>, <c>record</c> and <c>records</c> (e.g. "res.partner").</summary>
    public string? Model { get; init; }

    /// <summary>Ids bound to <c>records</c>; <c>record</c> is the first (Odoo's active_id).</summary>
    public IReadOnlyList<long>? RecordIds { get; init; }

    /// <summary>Binds <c>self</c> to the records too, as the compute code of a computed field expects (Odoo Studio).</summary>
    public bool SelfIsRecords { get; init; }

    /// <summary>Webhook payload (JsonElement or .NET values) bound to <c>payload</c> when not null.</summary>
    public object? Payload { get; init; }

    /// <summary>Receives <c>log(...)</c> and <c>_logger.*</c> calls; entries are also kept in <see cref="ScriptResult.Logs"/>.</summary>
    public Action<ScriptLogEntry>? LogSink { get; init; }

    public CancellationToken Cancellation { get; init; }
}

public sealed record ScriptLogEntry(string Level, string Message, int Line);
