namespace Automation.Core.Models;

/// <summary>
/// A model (Odoo's <c>ir.model</c> with its fields). Every record also has <c>id</c>, <c>create_date</c>,
/// <c>write_date</c> and <c>display_name</c>; <c>active</c> only when declared.
/// </summary>
public sealed class ModelDefinition
{
    /// <summary>Fields every record has, managed by the engine.</summary>
    public static readonly IReadOnlySet<string> MagicFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "id", "create_date", "write_date", "display_name",
    };

    private readonly Dictionary<string, FieldDefinition> _byName;

    public ModelDefinition(string name, IEnumerable<FieldDefinition> fields, string? description = null, string recName = "name",
        bool builtIn = false)
    {
        Name = name;
        Fields = fields.ToList();
        _byName = Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        Description = description ?? name;
        RecName = recName;
        BuiltIn = builtIn;
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>The field that names a record (its <c>display_name</c>).</summary>
    public string RecName { get; }

    /// <summary>Built-in models are part of the engine and cannot be changed or deleted.</summary>
    public bool BuiltIn { get; }

    /// <summary>Fields in declaration order.</summary>
    public IReadOnlyList<FieldDefinition> Fields { get; }

    public bool HasActive => _byName.TryGetValue("active", out var f) && f.Type == FieldType.Boolean;

    public FieldDefinition? Field(string name) => _byName.GetValueOrDefault(name);

    public bool HasField(string name) => _byName.ContainsKey(name);
}
