using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Automation.Core.Models;

namespace Automation.Core.Records;

/// <summary>Whether values are for a new record (defaults apply, required fields must end up set) or for a write.</summary>
public enum RecordParseMode
{
    Create,
    Write,
}

/// <summary>
/// The outcome of <see cref="RecordJson.ParseValues(ModelDefinition, JsonElement, RecordParseMode)"/>: normalized stored
/// values, x2many commands for the store to execute, and field-level errors. Check <see cref="IsValid"/> first.
/// </summary>
public sealed class ParsedValues(
    IReadOnlyDictionary<string, object?> values,
    IReadOnlyDictionary<string, IReadOnlyList<X2ManyCommand>> commands,
    FieldErrors errors)
{
    /// <summary>
    /// Stored field values in the types of <see cref="RecordData"/>. A many2many given as an id array (or false/null)
    /// is here as its new id list; one2many fields are never here (see <see cref="Commands"/>).
    /// </summary>
    public IReadOnlyDictionary<string, object?> Values { get; } = values;

    /// <summary>
    /// x2many fields given as Odoo command triples, in order; also every one2many write, an id array being one
    /// <see cref="X2ManyOperation.Set"/> command (one2many links live on the inverse many2one, so the store executes them).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<X2ManyCommand>> Commands { get; } = commands;

    public FieldErrors Errors { get; } = errors;

    public bool IsValid => Errors.IsEmpty;
}

/// <summary>
/// Record JSON of API.md "Records" ⇄ normalized values. Never throws on user input: every problem is a field error.
/// </summary>
public static partial class RecordJson
{
    /// <summary>Largest text value, in UTF-8 bytes (issue #4 acceptance: "string over 64 KiB" is rejected).</summary>
    public const int MaxTextBytes = 64 * 1024;

    /// <summary>Largest x2many id list or command list in one write; the entity size limit is the store's concern.</summary>
    public const int MaxX2ManyItems = 10_000;

    /// <summary>Key of the error reported when the values are not a JSON object at all.</summary>
    public const string BodyErrorKey = "$";

    private const string DateFormat = "yyyy-MM-dd";
    private const string OdooDateTimeFormat = "yyyy-MM-dd HH:mm:ss";
    private const string OdooDateTimeFractionFormat = "yyyy-MM-dd HH:mm:ss.FFFFFF";

    /// <summary>How deeply values may nest (json fields, command values); deeper input is refused, not a crash.</summary>
    public const int MaxDepth = 64;

    public static ParsedValues ParseValues(ModelDefinition model, JsonNode? values, RecordParseMode mode)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var document = ToElement(values);
        if (document is null)
        {
            var errors = new FieldErrors();
            errors.Add(BodyErrorKey, $"The values nest more than {MaxDepth} levels deep.");
            return new ParsedValues(new Dictionary<string, object?>(), new Dictionary<string, IReadOnlyList<X2ManyCommand>>(), errors);
        }

        return ParseValues(model, document.RootElement, mode);
    }

    /// <summary>A JsonNode re-read as a document; null when it is too deep to re-read (writer and reader limits differ).</summary>
    internal static JsonDocument? ToElement(JsonNode? node)
    {
        try
        {
            return JsonDocument.Parse(node?.ToJsonString() ?? "null", new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    public static ParsedValues ParseValues(ModelDefinition model, JsonElement values, RecordParseMode mode)
    {
        ArgumentNullException.ThrowIfNull(model);
        var errors = new FieldErrors();
        var parsed = new Dictionary<string, object?>(StringComparer.Ordinal);
        var commands = new Dictionary<string, IReadOnlyList<X2ManyCommand>>(StringComparer.Ordinal);
        if (values.ValueKind != JsonValueKind.Object)
        {
            errors.Add(BodyErrorKey, "Expected a JSON object of field values.");
            return new ParsedValues(parsed, commands, errors);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in values.EnumerateObject())
        {
            if (!TryGetName(property, out var name))
            {
                errors.Add(BodyErrorKey, "A field name is not valid Unicode text.");
                continue;
            }

            if (!seen.Add(name))
            {
                errors.Add(name, $"Field '{name}' is given more than once.");
                continue;
            }

            if (ModelDefinition.MagicFields.Contains(name))
            {
                errors.Add(name, $"Field '{name}' is set by the system and cannot be written.");
                continue;
            }

            var field = model.Field(name);
            if (field is null)
            {
                errors.Add(name, $"Unknown field '{name}' on model '{model.Name}'.");
                continue;
            }

            if (field.IsComputed)
            {
                errors.Add(name, $"Field '{name}' is {(field.Related is null ? "computed" : "related to " + field.Related)} and cannot be written.");
                continue;
            }

            // System.Text.Json keeps escaped lone surrogates ("\uD800") and throws when they are read as text.
            var result = IsValidUnicode(property.Value)
                ? ParseField(field, property.Value, allowCommands: true)
                : FieldResult.Fail("The value contains text that is not valid Unicode (a lone surrogate).");
            if (result.Error is not null)
            {
                errors.Add(name, result.Error);
                continue;
            }

            if (result.Commands is not null)
            {
                commands[name] = result.Commands;
            }
            else
            {
                parsed[name] = result.Value;
                if (mode == RecordParseMode.Write && field.Required && FieldValues.IsMissing(field, result.Value))
                {
                    errors.Add(name, MissingRequired(field));
                }
            }
        }

        if (mode == RecordParseMode.Create)
        {
            parsed = ApplyDefaults(model, parsed);
            foreach (var field in model.Fields)
            {
                // A char field with a sequence is filled by the store from ir.sequence when left empty (API.md Models).
                if (field.Required && field.IsStored && field.Sequence is null && !errors.Contains(field.Name)
                    && !commands.ContainsKey(field.Name) && FieldValues.IsMissing(field, parsed.GetValueOrDefault(field.Name)))
                {
                    errors.Add(field.Name, MissingRequired(field));
                }
            }
        }

        return new ParsedValues(parsed, commands, errors);
    }

    /// <summary>
    /// Adds each missing stored field's constant <see cref="FieldDefinition.Default"/>. Fields without a default stay
    /// absent: they read as the type's empty value, so nothing is gained by writing it.
    /// </summary>
    public static Dictionary<string, object?> ApplyDefaults(ModelDefinition model, IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(values);
        var result = new Dictionary<string, object?>(values, StringComparer.Ordinal);
        foreach (var field in model.Fields)
        {
            if (field.Default is null || !field.IsStored || result.ContainsKey(field.Name))
            {
                continue;
            }

            // Defaults are checked when the model is saved (ModelValidator); one that slipped through is ignored, not fatal.
            if (TryParseFieldValue(field, field.Default, out var value, out _))
            {
                result[field.Name] = value;
            }
        }

        return result;
    }

    /// <summary>
    /// Parses one value of record JSON for <paramref name="field"/> (x2many: an id array only, no commands).
    /// Used for defaults and by callers that hold a single value.
    /// </summary>
    public static bool TryParseFieldValue(FieldDefinition field, JsonNode? value, out object? result, out string? error)
    {
        ArgumentNullException.ThrowIfNull(field);
        using var document = ToElement(value);
        if (document is null)
        {
            result = null;
            error = $"The value nests more than {MaxDepth} levels deep.";
            return false;
        }

        var parsed = IsValidUnicode(document.RootElement)
            ? ParseField(field, document.RootElement, allowCommands: false)
            : FieldResult.Fail("The value contains text that is not valid Unicode (a lone surrogate).");
        result = parsed.Value;
        error = parsed.Error;
        return error is null;
    }

    /// <summary>Field names of <paramref name="requested"/> that are neither fields of the model nor magic fields.</summary>
    public static IReadOnlyList<string> UnknownFields(ModelDefinition model, IEnumerable<string> requested)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(requested);
        return requested.Where(f => !model.HasField(f) && !ModelDefinition.MagicFields.Contains(f)).Distinct(StringComparer.Ordinal).ToList();
    }

    private static string MissingRequired(FieldDefinition field) =>
        $"Missing required value for the field '{field.Label}' ({field.Name}).";

    private readonly record struct FieldResult(object? Value, IReadOnlyList<X2ManyCommand>? Commands, string? Error)
    {
        public static FieldResult Ok(object? value) => new(value, null, null);

        public static FieldResult Fail(string error) => new(null, null, error);
    }

    private static FieldResult ParseField(FieldDefinition field, JsonElement v, bool allowCommands)
    {
        if (field.Type == FieldType.Boolean)
        {
            return v.ValueKind switch
            {
                JsonValueKind.True => FieldResult.Ok(true),
                JsonValueKind.False or JsonValueKind.Null => FieldResult.Ok(false),
                _ => FieldResult.Fail("Expected a boolean (true or false)."),
            };
        }

        // Odoo's False means "empty" for every other type; null is accepted as the same.
        if (v.ValueKind is JsonValueKind.False or JsonValueKind.Null)
        {
            return field.Type == FieldType.One2many && allowCommands
                ? new FieldResult(null, [X2ManyCommand.Set([])], null)
                : FieldResult.Ok(field.Type == FieldType.One2many ? Array.Empty<long>() : FieldValues.Empty(field));
        }

        return field.Type switch
        {
            FieldType.Char or FieldType.Text or FieldType.Html => ParseText(v),
            FieldType.Selection => ParseSelection(field, v),
            FieldType.Integer => ParseInteger(v),
            FieldType.Float or FieldType.Monetary => ParseFloat(v),
            FieldType.Date => ParseDate(v),
            FieldType.Datetime => ParseDateTime(v),
            FieldType.Many2one => ParseMany2one(v),
            FieldType.Many2many or FieldType.One2many => ParseX2Many(field, v, allowCommands),
            FieldType.Json => FieldResult.Ok(JsonNode.Parse(v.GetRawText())),
            _ => FieldResult.Fail($"Field type '{field.Type.ApiName()}' is not supported."),
        };
    }

    private static FieldResult ParseText(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.String)
        {
            return FieldResult.Fail("Expected a string.");
        }

        var text = v.GetString()!;
        var bytes = Encoding.UTF8.GetByteCount(text);
        return bytes > MaxTextBytes
            ? FieldResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"Text must be at most {MaxTextBytes:N0} bytes of UTF-8; this one is {bytes:N0} bytes."))
            : FieldResult.Ok(text);
    }

    private static FieldResult ParseSelection(FieldDefinition field, JsonElement v)
    {
        var allowed = string.Join(", ", field.Selection.Select(o => $"'{o.Key}'"));
        if (v.ValueKind != JsonValueKind.String)
        {
            return FieldResult.Fail($"Expected one of the selection keys: {allowed}.");
        }

        var key = v.GetString()!;
        return field.Selection.Any(o => string.Equals(o.Key, key, StringComparison.Ordinal))
            ? FieldResult.Ok(key)
            : FieldResult.Fail($"Value '{Shorten(key)}' is not allowed; allowed values: {allowed}.");
    }

    private static FieldResult ParseInteger(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number)
        {
            return FieldResult.Fail("Expected an integer.");
        }

        if (v.TryGetInt64(out var number))
        {
            return FieldResult.Ok(number);
        }

        // 3.0 is an integer to Python's int(); accept it when it is exactly integral and in range.
        if (v.TryGetDecimal(out var d) && decimal.Truncate(d) == d && d >= long.MinValue && d <= long.MaxValue)
        {
            return FieldResult.Ok((long)d);
        }

        return FieldResult.Fail("Expected an integer between -9223372036854775808 and 9223372036854775807.");
    }

    private static FieldResult ParseFloat(JsonElement v) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var number) && double.IsFinite(number)
            ? FieldResult.Ok(number)
            : FieldResult.Fail(v.ValueKind == JsonValueKind.Number ? "Expected a finite number." : "Expected a number.");

    private static FieldResult ParseDate(JsonElement v) =>
        v.ValueKind == JsonValueKind.String
        && DateOnly.TryParseExact(v.GetString(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? FieldResult.Ok(date)
            : FieldResult.Fail("Expected a date \"YYYY-MM-DD\".");

    private static FieldResult ParseDateTime(JsonElement v)
    {
        const string expected =
            "Expected a UTC datetime: ISO 8601 with 'Z' or an offset (\"2026-11-22T09:00:00Z\"), or \"YYYY-MM-DD HH:MM:SS\" (UTC).";
        if (v.ValueKind != JsonValueKind.String)
        {
            return FieldResult.Fail(expected);
        }

        var text = v.GetString()!;
        var utc = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;

        // Odoo's own format is naive UTC (spec: datetimes are stored in UTC); a bare date means midnight, as in Odoo.
        if (DateTime.TryParseExact(text, [OdooDateTimeFormat, OdooDateTimeFractionFormat, DateFormat], CultureInfo.InvariantCulture, utc,
                out var odoo))
        {
            return FieldResult.Ok(FieldValues.TruncateToSeconds(DateTime.SpecifyKind(odoo, DateTimeKind.Utc)));
        }

        // ISO 8601 must say which instant it means: a naive "T" time would silently depend on the server's zone.
        // RFC 3339 allows lower-case 't' and 'z'; .NET parses only upper case.
        if (IsoDateTime().IsMatch(text)
            && DateTimeOffset.TryParse(text.ToUpperInvariant(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso))
        {
            return FieldResult.Ok(FieldValues.TruncateToSeconds(iso.UtcDateTime));
        }

        return FieldResult.Fail(expected);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDateTime();

    private static FieldResult ParseMany2one(JsonElement v) =>
        TryGetId(v, out var id)
            ? FieldResult.Ok(id)
            : FieldResult.Fail("Expected a positive integer record id, or null/false.");

    private static bool TryGetId(JsonElement v, out long id)
    {
        id = 0;
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out id) && id > 0;
    }

    private static FieldResult ParseX2Many(FieldDefinition field, JsonElement v, bool allowCommands)
    {
        const string expected = "Expected an array of record ids, or of Odoo commands such as [4, id] or [6, 0, [ids]].";
        if (v.ValueKind != JsonValueKind.Array)
        {
            return FieldResult.Fail(expected);
        }

        if (v.GetArrayLength() > MaxX2ManyItems)
        {
            return FieldResult.Fail(string.Create(CultureInfo.InvariantCulture, $"At most {MaxX2ManyItems:N0} items are accepted in one write."));
        }

        var items = v.EnumerateArray().ToList();
        if (items.TrueForAll(i => i.ValueKind == JsonValueKind.Number))
        {
            var ids = new List<long>();
            var unique = new HashSet<long>();
            foreach (var item in items)
            {
                if (!TryGetId(item, out var id))
                {
                    return FieldResult.Fail($"Expected positive integer record ids; got {Shorten(item.GetRawText())}.");
                }

                if (unique.Add(id))
                {
                    ids.Add(id);
                }
            }

            return field.Type == FieldType.One2many && allowCommands
                ? new FieldResult(null, [X2ManyCommand.Set(ids)], null)
                : FieldResult.Ok(ids);
        }

        if (!allowCommands)
        {
            return FieldResult.Fail("Expected an array of record ids.");
        }

        if (!items.TrueForAll(i => i.ValueKind == JsonValueKind.Array))
        {
            return FieldResult.Fail(expected);
        }

        var commands = new List<X2ManyCommand>(items.Count);
        for (var index = 0; index < items.Count; index++)
        {
            var command = ParseCommand(items[index], out var error);
            if (command is null)
            {
                return FieldResult.Fail(string.Create(CultureInfo.InvariantCulture, $"Command {index + 1} {Shorten(items[index].GetRawText())}: {error}"));
            }

            commands.Add(command);
        }

        return new FieldResult(null, commands, null);
    }

    private static X2ManyCommand? ParseCommand(JsonElement item, out string? error)
    {
        error = null;
        var parts = item.EnumerateArray().ToList();
        if (parts.Count is < 1 or > 3 || parts[0].ValueKind != JsonValueKind.Number || !parts[0].TryGetInt32(out var code)
            || code is < 0 or > 6)
        {
            error = "a command is [code, id, value] with code 0 to 6.";
            return null;
        }

        var operation = (X2ManyOperation)code;
        long id = 0;
        if (operation is X2ManyOperation.Update or X2ManyOperation.Delete or X2ManyOperation.Unlink or X2ManyOperation.Link
            && (parts.Count < 2 || !TryGetId(parts[1], out id)))
        {
            error = "the second element must be a positive integer record id.";
            return null;
        }

        switch (operation)
        {
            case X2ManyOperation.Create or X2ManyOperation.Update:
                if (parts.Count != 3 || parts[2].ValueKind != JsonValueKind.Object)
                {
                    error = "the third element must be an object of field values.";
                    return null;
                }

                var values = JsonNode.Parse(parts[2].GetRawText())!.AsObject();
                return operation == X2ManyOperation.Create ? X2ManyCommand.Create(values) : X2ManyCommand.Update(id, values);
            case X2ManyOperation.Set:
                if (parts.Count != 3 || parts[2].ValueKind != JsonValueKind.Array)
                {
                    error = "the third element must be an array of record ids.";
                    return null;
                }

                if (parts[2].GetArrayLength() > MaxX2ManyItems)
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"at most {MaxX2ManyItems:N0} ids are accepted.");
                    return null;
                }

                var ids = new List<long>();
                var unique = new HashSet<long>();
                foreach (var element in parts[2].EnumerateArray())
                {
                    if (!TryGetId(element, out var setId))
                    {
                        error = "the third element must be an array of positive integer record ids.";
                        return null;
                    }

                    if (unique.Add(setId))
                    {
                        ids.Add(setId);
                    }
                }

                return X2ManyCommand.Set(ids);
            case X2ManyOperation.Clear:
                return X2ManyCommand.Clear();
            default:
                return new X2ManyCommand(operation, id);
        }
    }

    private static bool TryGetName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    /// <summary>Whether every string and property name in <paramref name="element"/> can be read as .NET text.</summary>
    internal static bool IsValidUnicode(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(IsValidUnicode);
                case JsonValueKind.Object:
                    return element.EnumerateObject().All(p => p.Name is not null && IsValidUnicode(p.Value));
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}
