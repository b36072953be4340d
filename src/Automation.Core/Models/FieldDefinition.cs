using System.Text.Json.Nodes;

namespace Automation.Core.Models;

/// <summary>One option of a selection field: the stored key and its label.</summary>
public sealed record SelectionOption(string Key, string Label);

/// <summary>A field of a model, with Odoo's attribute names (API.md "Models").</summary>
public sealed record FieldDefinition
{
    public required string Name { get; init; }

    public required FieldType Type { get; init; }

    /// <summary>The label (Odoo's <c>string</c>).</summary>
    public string? String { get; init; }

    public bool Required { get; init; }

    public bool Readonly { get; init; }

    /// <summary>A constant default in record JSON form, applied on create when the field is not given.</summary>
    public JsonNode? Default { get; init; }

    public IReadOnlyList<SelectionOption> Selection { get; init; } = [];

    /// <summary>The related model of many2one / one2many / many2many fields.</summary>
    public string? Relation { get; init; }

    /// <summary>For one2many: the many2one field on <see cref="Relation"/> that points back.</summary>
    public string? InverseName { get; init; }

    /// <summary>For char fields: the <c>ir.sequence</c> code whose next number fills the field when a create leaves it empty.</summary>
    public string? Sequence { get; init; }

    /// <summary>
    /// Python that assigns this field on each record of <c>self</c> (Odoo's <c>compute</c>, as in Studio:
    /// <c>for record in self: record['x_total'] = …</c>). The value is stored and recomputed when a <see cref="Depends"/>
    /// path changes; it cannot be written through the API.
    /// </summary>
    public string? Compute { get; init; }

    /// <summary>The paths <see cref="Compute"/> reads (<c>priority</c>, <c>partner_id.x_employee</c>).</summary>
    public IReadOnlyList<string> Depends { get; init; } = [];

    /// <summary>A related field (Odoo's <c>related</c>): the value at this path, stored and kept current.</summary>
    public string? Related { get; init; }

    /// <summary>
    /// Odoo's <c>groups</c> attribute: the comma-separated groups (<c>res.groups</c> names or Odoo-style xml ids) the field is
    /// meant for. It marks the field group-restricted, so webhook payloads refuse it (spec §5.2); the records API does not hide it.
    /// </summary>
    public string? Groups { get; init; }

    /// <summary>Computed or related: filled by the engine, never by a caller.</summary>
    public bool IsComputed => Compute is not null || Related is not null;

    /// <summary>The paths whose change recomputes the field.</summary>
    public IReadOnlyList<string> Dependencies => Related is not null ? [Related] : Depends;

    /// <summary>one2many values are not stored on the record; they are the inverse many2one's records.</summary>
    public bool IsStored => Type != FieldType.One2many;

    public string Label => String ?? Name;
}
