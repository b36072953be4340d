namespace Automation.Core.Records;

/// <summary>
/// A record's stored values in normalized .NET form, keyed by field name (stored fields only; one2many is derived).
/// Value types: char/text/html/selection → <see cref="string"/> (null = not set); integer → <see cref="long"/>;
/// float/monetary → <see cref="double"/>; boolean → <see cref="bool"/>; date → <see cref="DateOnly"/>;
/// datetime → <see cref="DateTime"/> (UTC, whole seconds); many2one → <see cref="long"/> or null;
/// many2many → <see cref="IReadOnlyList{T}"/> of long (ids, no duplicates); json → <see cref="System.Text.Json.Nodes.JsonNode"/> or null.
/// A field absent from <see cref="Values"/> reads as Odoo's empty value for its type (null, 0, 0.0, false, []).
/// </summary>
public sealed record RecordData(string Model, long Id, IReadOnlyDictionary<string, object?> Values)
{
    public DateTime CreateDate { get; init; }

    public DateTime WriteDate { get; init; }

    /// <summary>The storage version, sent back verbatim to guard a write (HTTP ETag).</summary>
    public string? ETag { get; init; }

    public object? this[string field] => Values.GetValueOrDefault(field);
}
