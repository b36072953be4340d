namespace Automation.Core.Models;

/// <summary>Field types of API.md "Models", Odoo's names.</summary>
public enum FieldType
{
    Char,
    Text,
    Html,
    Integer,
    Float,
    Monetary,
    Boolean,
    Date,
    Datetime,
    Selection,
    Many2one,
    One2many,
    Many2many,
    Json,
}

public static class FieldTypes
{
    private static readonly Dictionary<string, FieldType> ByName =
        Enum.GetValues<FieldType>().ToDictionary(t => t.ToString().ToLowerInvariant(), StringComparer.Ordinal);

    /// <summary>The API name: <c>char</c>, <c>many2one</c>, …</summary>
    public static string ApiName(this FieldType type) => type.ToString().ToLowerInvariant();

    public static bool TryParse(string? name, out FieldType type) => ByName.TryGetValue(name ?? "", out type);

    public static bool IsRelational(this FieldType type) => type is FieldType.Many2one or FieldType.One2many or FieldType.Many2many;

    public static bool IsToMany(this FieldType type) => type is FieldType.One2many or FieldType.Many2many;

    public static bool IsText(this FieldType type) => type is FieldType.Char or FieldType.Text or FieldType.Html or FieldType.Selection;
}
