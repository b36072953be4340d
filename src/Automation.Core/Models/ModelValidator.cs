using System.Text.RegularExpressions;
using Automation.Core.Records;

namespace Automation.Core.Models;

/// <summary>
/// Save-time checks of a model definition (issue #4: "validated when saved (unknown relation, bad selection…)").
/// Errors are keyed by the path of the offending attribute, e.g. <c>fields.partner_id.relation</c>.
/// </summary>
public static partial class ModelValidator
{
    /// <summary>Most fields a model may declare; a record is one Table Storage entity, which holds at most 255 properties.</summary>
    public const int MaxFields = 200;

    public const int MaxNameLength = 64;

    public const int MaxLabelLength = 256;

    /// <summary>
    /// Validates <paramref name="model"/>. <paramref name="lookup"/> finds the other models relations point to (null when
    /// unknown); a model may relate to itself, in which case <paramref name="model"/> itself is used.
    /// </summary>
    public static FieldErrors Validate(ModelDefinition model, Func<string, ModelDefinition?> lookup)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lookup);
        var errors = new FieldErrors();

        if (!ModelName().IsMatch(model.Name))
        {
            errors.Add("name",
                "A model name is 2 to 64 characters: lowercase letters, digits, '_' and dots, starting with a letter (e.g. 'x_custom.thing').");
        }
        else if (!model.BuiltIn && BuiltInModels.IsBuiltIn(model.Name))
        {
            errors.Add("name", $"'{model.Name}' is a built-in model and cannot be changed.");
        }

        if (model.Description.Length > MaxLabelLength)
        {
            errors.Add("description", $"The description is at most {MaxLabelLength} characters.");
        }

        if (model.Fields.Count > MaxFields)
        {
            errors.Add("fields", $"A model has at most {MaxFields} fields; this one has {model.Fields.Count}.");
        }

        foreach (var field in model.Fields)
        {
            ValidateField(model, field, lookup, errors);
        }

        if (!string.Equals(model.RecName, "id", StringComparison.Ordinal))
        {
            var recName = model.Field(model.RecName);
            if (recName is null)
            {
                errors.Add("rec_name", $"rec_name '{model.RecName}' is not a field of the model (use \"id\" for none).");
            }
            else if (recName.Type.IsToMany() || recName.Type == FieldType.Json)
            {
                errors.Add("rec_name", $"rec_name cannot be a {recName.Type.ApiName()} field.");
            }
        }

        return errors;
    }

    private static void ValidateField(ModelDefinition model, FieldDefinition field, Func<string, ModelDefinition?> lookup, FieldErrors errors)
    {
        var path = $"fields.{field.Name}";
        if (ModelDefinition.MagicFields.Contains(field.Name))
        {
            errors.Add(path, $"'{field.Name}' is managed by the system and cannot be declared.");
            return;
        }

        if (!FieldName().IsMatch(field.Name))
        {
            errors.Add(path, "A field name is 1 to 63 characters: lowercase letters, digits and '_', starting with a letter.");
        }

        if (!Enum.IsDefined(field.Type))
        {
            errors.Add($"{path}.type", "Unknown field type.");
            return;
        }

        if (field.String is { Length: > MaxLabelLength })
        {
            errors.Add($"{path}.string", $"The label is at most {MaxLabelLength} characters.");
        }

        // Odoo's archiving (spec §7: active=False hides records) only makes sense for a boolean.
        if (string.Equals(field.Name, "active", StringComparison.Ordinal) && field.Type != FieldType.Boolean)
        {
            errors.Add($"{path}.type", "The field 'active' must be a boolean.");
        }

        ValidateRelation(model, field, lookup, path, errors);
        ValidateSelection(field, path, errors);

        if (field.Sequence is not null && field.Type != FieldType.Char)
        {
            errors.Add($"{path}.sequence", "Only char fields can be filled from a sequence.");
        }
        else if (field.Sequence is { } code && string.IsNullOrWhiteSpace(code))
        {
            errors.Add($"{path}.sequence", "The sequence code must not be empty.");
        }

        if (field.Groups is { Length: > 256 })
        {
            errors.Add($"{path}.groups", "The groups of a field are at most 256 characters (comma-separated group names).");
        }

        ValidateComputed(model, field, lookup, path, errors);

        if (field.Default is not null)
        {
            if (field.Type == FieldType.One2many)
            {
                errors.Add($"{path}.default", "one2many fields take no default.");
            }
            else if (!RecordJson.TryParseFieldValue(field, field.Default, out _, out var error))
            {
                errors.Add($"{path}.default", $"Invalid default: {error}");
            }
        }
    }

    /// <summary>Most dependencies a computed field may declare, and most segments a dependency path may have.</summary>
    public const int MaxDependencies = 16;

    public const int MaxPathSegments = 4;

    /// <summary>
    /// A computed field has compute code (with its dependencies) or a related path, not both; every path runs through
    /// many2one fields to a field that exists; a related field has the type of the field it mirrors; a computed field
    /// depends only on computed fields of its own model declared before it (so one pass in declaration order suffices).
    /// </summary>
    private static void ValidateComputed(ModelDefinition model, FieldDefinition field, Func<string, ModelDefinition?> lookup, string path,
        FieldErrors errors)
    {
        if (!field.IsComputed)
        {
            if (field.Depends.Count > 0)
            {
                errors.Add($"{path}.depends", "depends only applies to a field with compute code.");
            }

            return;
        }

        if (field.Compute is not null && field.Related is not null)
        {
            errors.Add($"{path}.related", "A field is either computed (compute) or related, not both.");
            return;
        }

        if (field.Type == FieldType.One2many || field.Sequence is not null || field.Default is not null || field.Required)
        {
            errors.Add(path, "A computed or related field cannot be one2many, have a sequence or a default, or be required.");
        }

        if (field.Compute is { } code)
        {
            if (string.IsNullOrWhiteSpace(code))
            {
                errors.Add($"{path}.compute", "The compute code is empty.");
            }
            else if (Scripting.ScriptEngine.Shared.Validate(code) is { } syntax)
            {
                errors.Add($"{path}.compute", syntax.Message);
            }

            if (field.Depends.Count is 0 or > MaxDependencies)
            {
                errors.Add($"{path}.depends", $"A computed field lists the 1 to {MaxDependencies} paths its code reads, e.g. [\"partner_id.email\"].");
            }
        }

        var key = field.Related is null ? $"{path}.depends" : $"{path}.related";
        var own = model.Fields.TakeWhile(f => f != field).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var dependency in field.Dependencies)
        {
            var segments = dependency.Split('.');
            var current = model;
            FieldDefinition? last = null;
            for (var i = 0; i < segments.Length && current is not null; i++)
            {
                last = current.Field(segments[i]);
                var isLast = i == segments.Length - 1;
                if (last is null && !(isLast && ModelDefinition.MagicFields.Contains(segments[i])))
                {
                    errors.Add(key, $"'{dependency}': {current.Name} has no field '{segments[i]}'.");
                    return;
                }

                if (i == 0 && last is { IsComputed: true } && !own.Contains(last.Name))
                {
                    errors.Add(key, $"'{dependency}': a computed field may depend on another computed field of its model only when that one is declared before it.");
                    return;
                }

                if (!isLast)
                {
                    if (last!.Type != FieldType.Many2one)
                    {
                        errors.Add(key, $"'{dependency}': '{segments[i]}' is a {last.Type.ApiName()} field; only many2one fields can be followed.");
                        return;
                    }

                    current = string.Equals(last.Relation, model.Name, StringComparison.Ordinal) ? model : lookup(last.Relation!);
                }
            }

            if (segments.Length > MaxPathSegments || segments.Any(string.IsNullOrEmpty))
            {
                errors.Add(key, $"'{dependency}' is not a path of at most {MaxPathSegments} field names.");
                return;
            }

            if (field.Related is not null && last is not null && (last.Type != field.Type || last.Relation != field.Relation))
            {
                errors.Add(key, $"'{dependency}' is a {last.Type.ApiName()} field; the related field must have the same type (and relation).");
            }
        }
    }

    private static void ValidateRelation(ModelDefinition model, FieldDefinition field, Func<string, ModelDefinition?> lookup, string path,
        FieldErrors errors)
    {
        if (!field.Type.IsRelational())
        {
            if (field.Relation is not null)
            {
                errors.Add($"{path}.relation", "Only many2one, one2many and many2many fields have a relation.");
            }

            if (field.InverseName is not null)
            {
                errors.Add($"{path}.inverse_name", "Only one2many fields have an inverse_name.");
            }

            return;
        }

        if (string.IsNullOrEmpty(field.Relation))
        {
            errors.Add($"{path}.relation", $"A {field.Type.ApiName()} field needs a relation (the related model's name).");
            return;
        }

        var target = string.Equals(field.Relation, model.Name, StringComparison.Ordinal) ? model : lookup(field.Relation);
        if (target is null)
        {
            errors.Add($"{path}.relation", $"Unknown model '{field.Relation}'.");
            return;
        }

        if (field.Type != FieldType.One2many)
        {
            if (field.InverseName is not null)
            {
                errors.Add($"{path}.inverse_name", "Only one2many fields have an inverse_name.");
            }

            return;
        }

        // A one2many is the other side of a many2one on the related model that points back here.
        if (string.IsNullOrEmpty(field.InverseName))
        {
            errors.Add($"{path}.inverse_name", "A one2many field needs inverse_name: the many2one field of the related model that points back.");
            return;
        }

        var inverse = target.Field(field.InverseName);
        if (inverse is null || inverse.Type != FieldType.Many2one || !string.Equals(inverse.Relation, model.Name, StringComparison.Ordinal))
        {
            errors.Add($"{path}.inverse_name",
                $"'{field.Relation}.{field.InverseName}' must be a many2one field of '{field.Relation}' relating to '{model.Name}'.");
        }
    }

    private static void ValidateSelection(FieldDefinition field, string path, FieldErrors errors)
    {
        if (field.Type != FieldType.Selection)
        {
            if (field.Selection.Count > 0)
            {
                errors.Add($"{path}.selection", "Only selection fields have selection options.");
            }

            return;
        }

        if (field.Selection.Count == 0)
        {
            errors.Add($"{path}.selection", "A selection field needs at least one option [\"key\", \"Label\"].");
            return;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in field.Selection)
        {
            if (string.IsNullOrEmpty(option.Key))
            {
                errors.Add($"{path}.selection", "Selection keys must not be empty.");
            }
            else if (!keys.Add(option.Key))
            {
                errors.Add($"{path}.selection", $"The selection key '{option.Key}' appears more than once.");
            }
        }
    }

    [GeneratedRegex(@"^(?=.{2,64}\z)[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ModelName();

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex FieldName();
}
