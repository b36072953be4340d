using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Records;

namespace Automation.Core.Models;

/// <summary>The outcome of <see cref="ModelJson.Parse(JsonElement, string?)"/>: the model when the JSON is well formed, else errors.</summary>
public sealed record ModelParseResult(ModelDefinition? Model, FieldErrors Errors)
{
    public bool IsValid => Model is not null && Errors.IsEmpty;
}

/// <summary>
/// The model JSON of API.md "Models" ⇄ <see cref="ModelDefinition"/>. Parsing checks shape only (types of the JSON
/// values, known attributes); what the values mean is <see cref="ModelValidator"/>'s job. Never throws on user input.
/// </summary>
public static class ModelJson
{
    private static readonly HashSet<string> ModelKeys = new(StringComparer.Ordinal) { "name", "description", "rec_name", "fields", "builtin" };

    private static readonly HashSet<string> FieldKeys = new(StringComparer.Ordinal)
    {
        "name", "type", "string", "required", "readonly", "default", "selection", "relation", "inverse_name", "sequence",
        "compute", "depends", "related", "groups",
    };

    private static readonly string AllTypes = string.Join(", ", Enum.GetValues<FieldType>().Select(t => t.ApiName()));

    public static ModelParseResult Parse(JsonNode? body, string? name = null)
    {
        using var document = RecordJson.ToElement(body);
        if (document is null)
        {
            var errors = new FieldErrors();
            errors.Add(RecordJson.BodyErrorKey, $"The model nests more than {RecordJson.MaxDepth} levels deep.");
            return new ModelParseResult(null, errors);
        }

        return Parse(document.RootElement, name);
    }

    /// <summary>
    /// Parses a model body. <paramref name="name"/> is the model name from the route (<c>PUT /api/admin/models/{model}</c>);
    /// the body's <c>name</c> may then be omitted but must match when given. <c>builtin</c> is output-only and ignored.
    /// Without <c>rec_name</c>, the record name is the <c>name</c> field when there is one, else <c>id</c>.
    /// </summary>
    public static ModelParseResult Parse(JsonElement body, string? name = null)
    {
        var errors = new FieldErrors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(RecordJson.BodyErrorKey, "Expected a JSON object describing the model.");
            return new ModelParseResult(null, errors);
        }

        // Checked once up front so the readers below never meet a lone surrogate (which System.Text.Json throws on).
        if (!RecordJson.IsValidUnicode(body))
        {
            errors.Add(RecordJson.BodyErrorKey, "The model contains text that is not valid Unicode (a lone surrogate).");
            return new ModelParseResult(null, errors);
        }

        foreach (var property in body.EnumerateObject().Where(p => !ModelKeys.Contains(p.Name)))
        {
            errors.Add(property.Name, $"Unknown attribute '{property.Name}'; expected: {string.Join(", ", ModelKeys)}.");
        }

        var bodyName = OptionalString(body, "name", errors);
        if (name is not null && bodyName is not null && !string.Equals(name, bodyName, StringComparison.Ordinal))
        {
            errors.Add("name", $"The body names model '{bodyName}' but the URL names '{name}'.");
        }

        var modelName = name ?? bodyName;
        if (string.IsNullOrEmpty(modelName))
        {
            errors.Add("name", "The model name is required.");
        }

        var description = OptionalString(body, "description", errors);
        var recName = OptionalString(body, "rec_name", errors);
        var fields = new List<FieldDefinition>();
        if (!body.TryGetProperty("fields", out var fieldsJson) || fieldsJson.ValueKind == JsonValueKind.Null)
        {
            // A model without fields is legal (records then only have id and dates).
        }
        else if (fieldsJson.ValueKind != JsonValueKind.Object)
        {
            errors.Add("fields", "Expected an object of field definitions keyed by field name.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in fieldsJson.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    errors.Add($"fields.{property.Name}", $"Field '{property.Name}' is defined more than once.");
                    continue;
                }

                if (seen.Count > ModelValidator.MaxFields)
                {
                    errors.Add("fields", $"A model has at most {ModelValidator.MaxFields} fields.");
                    break;
                }

                if (ParseField(property.Name, property.Value, errors) is { } field)
                {
                    fields.Add(field);
                }
            }
        }

        if (!errors.IsEmpty)
        {
            return new ModelParseResult(null, errors);
        }

        recName ??= fields.Exists(f => string.Equals(f.Name, "name", StringComparison.Ordinal)) ? "name" : "id";
        return new ModelParseResult(new ModelDefinition(modelName!, fields, description, recName), errors);
    }

    /// <summary>The API JSON of a model, with <c>builtin</c> added so clients know it cannot be changed.</summary>
    public static JsonObject ToJson(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var fields = new JsonObject();
        foreach (var field in model.Fields)
        {
            fields[field.Name] = FieldToJson(field);
        }

        return new JsonObject
        {
            ["name"] = model.Name,
            ["description"] = model.Description,
            ["rec_name"] = model.RecName,
            ["builtin"] = model.BuiltIn,
            ["fields"] = fields,
        };
    }

    /// <summary>One field's API JSON; attributes that do not apply to its type are left out.</summary>
    public static JsonObject FieldToJson(FieldDefinition field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var json = new JsonObject
        {
            ["type"] = field.Type.ApiName(),
            ["string"] = field.Label,
            ["required"] = field.Required,
            ["readonly"] = field.Readonly,
            ["default"] = field.Default?.DeepClone(),
        };
        if (field.Type == FieldType.Selection || field.Selection.Count > 0)
        {
            json["selection"] = new JsonArray([.. field.Selection.Select(o => (JsonNode)new JsonArray(o.Key, o.Label))]);
        }

        if (field.Relation is not null)
        {
            json["relation"] = field.Relation;
        }

        if (field.InverseName is not null)
        {
            json["inverse_name"] = field.InverseName;
        }

        if (field.Sequence is not null)
        {
            json["sequence"] = field.Sequence;
        }

        if (field.Compute is not null)
        {
            json["compute"] = field.Compute;
            json["depends"] = new JsonArray([.. field.Depends.Select(d => (JsonNode)d)]);
        }

        if (field.Related is not null)
        {
            json["related"] = field.Related;
        }

        if (field.Groups is not null)
        {
            json["groups"] = field.Groups;
        }

        return json;
    }

    private static FieldDefinition? ParseField(string name, JsonElement json, FieldErrors errors)
    {
        var path = $"fields.{name}";
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "Expected an object such as {\"type\": \"char\", \"string\": \"Label\"}.");
            return null;
        }

        var before = errors.Count;
        foreach (var property in json.EnumerateObject().Where(p => !FieldKeys.Contains(p.Name)))
        {
            errors.Add($"{path}.{property.Name}", $"Unknown attribute '{property.Name}'; expected: {string.Join(", ", FieldKeys)}.");
        }

        var innerName = OptionalString(json, "name", errors, path);
        if (innerName is not null && !string.Equals(innerName, name, StringComparison.Ordinal))
        {
            errors.Add($"{path}.name", $"The field is keyed '{name}' but named '{innerName}'.");
        }

        var typeName = OptionalString(json, "type", errors, path);
        if (!FieldTypes.TryParse(typeName, out var type))
        {
            errors.Add($"{path}.type", typeName is null
                ? $"The field type is required; one of: {AllTypes}."
                : $"Unknown field type '{typeName}'; one of: {AllTypes}.");
        }

        var field = new FieldDefinition
        {
            Name = name,
            Type = type,
            String = OptionalString(json, "string", errors, path),
            Required = OptionalBool(json, "required", errors, path),
            Readonly = OptionalBool(json, "readonly", errors, path),
            Default = json.TryGetProperty("default", out var d) && d.ValueKind != JsonValueKind.Null ? JsonNode.Parse(d.GetRawText()) : null,
            Selection = ParseSelection(json, errors, path),
            Relation = OptionalString(json, "relation", errors, path),
            InverseName = OptionalString(json, "inverse_name", errors, path),
            Sequence = OptionalString(json, "sequence", errors, path),
            Compute = OptionalString(json, "compute", errors, path),
            Depends = OptionalStrings(json, "depends", errors, path),
            Related = OptionalString(json, "related", errors, path),
            Groups = OptionalString(json, "groups", errors, path) is { } groups && !string.IsNullOrWhiteSpace(groups) ? groups.Trim() : null,
        };
        return errors.Count == before ? field : null;
    }

    private static List<SelectionOption> ParseSelection(JsonElement json, FieldErrors errors, string path)
    {
        var options = new List<SelectionOption>();
        if (!json.TryGetProperty("selection", out var selection) || selection.ValueKind == JsonValueKind.Null)
        {
            return options;
        }

        const string expected = "Expected an array of [\"key\", \"Label\"] pairs.";
        if (selection.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}.selection", expected);
            return options;
        }

        foreach (var pair in selection.EnumerateArray())
        {
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                || pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
            {
                errors.Add($"{path}.selection", expected);
                return options;
            }

            options.Add(new SelectionOption(pair[0].GetString()!, pair[1].GetString()!));
        }

        return options;
    }

    private static string? OptionalString(JsonElement json, string key, FieldErrors errors, string? path = null)
    {
        if (!json.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        errors.Add(path is null ? key : $"{path}.{key}", "Expected a string.");
        return null;
    }

    private static List<string> OptionalStrings(JsonElement json, string key, FieldErrors errors, string path)
    {
        if (!json.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
        {
            return [.. value.EnumerateArray().Select(v => v.GetString()!)];
        }

        errors.Add($"{path}.{key}", "Expected an array of strings.");
        return [];
    }

    private static bool OptionalBool(JsonElement json, string key, FieldErrors errors, string path)
    {
        if (!json.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        errors.Add($"{path}.{key}", "Expected true or false.");
        return false;
    }
}
