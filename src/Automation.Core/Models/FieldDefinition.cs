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

    /// <summary>one2many values are not stored on the record; they are the inverse many2one's records.</summary>
    public bool IsStored => Type != FieldType.One2many;

    public string Label => String ?? Name;
}
