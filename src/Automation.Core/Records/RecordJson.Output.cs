using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Models;

namespace Automation.Core.Records;

public static partial class RecordJson
{
    /// <summary>
    /// The record JSON of API.md "Records": <c>id</c>, the fields in declaration order (an absent field as its type's
    /// empty value: null, 0, 0.0, false or []), <c>create_date</c>, <c>write_date</c>, <c>display_name</c>.
    /// </summary>
    /// <param name="fields">Only these fields (plus <c>id</c>, always); null for all. Unknown names are skipped —
    /// check them first with <see cref="UnknownFields"/>.</param>
    /// <param name="displayName">The display name when the caller resolved it (e.g. a many2one rec_name);
    /// otherwise <see cref="DefaultDisplayName"/>.</param>
    /// <param name="one2many">one2many values, which are not stored on the record: field → ids of the inverse's records.</param>
    public static JsonObject ToJson(ModelDefinition model, RecordData record, IReadOnlyCollection<string>? fields = null,
        string? displayName = null, IReadOnlyDictionary<string, IReadOnlyList<long>>? one2many = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(record);
        var wanted = fields is null ? null : new HashSet<string>(fields, StringComparer.Ordinal);
        bool Include(string name) => wanted is null || wanted.Contains(name);

        var json = new JsonObject { ["id"] = record.Id };
        foreach (var field in model.Fields)
        {
            if (!Include(field.Name))
            {
                continue;
            }

            json[field.Name] = field.Type == FieldType.One2many
                ? IdsToJson(one2many?.GetValueOrDefault(field.Name))
                : ValueToJson(field, record.Values.GetValueOrDefault(field.Name));
        }

        if (Include("create_date"))
        {
            json["create_date"] = FormatDateTime(record.CreateDate);
        }

        if (Include("write_date"))
        {
            json["write_date"] = FormatDateTime(record.WriteDate);
        }

        if (Include("display_name"))
        {
            json["display_name"] = displayName ?? DefaultDisplayName(model, record);
        }

        return json;
    }

    /// <summary>
    /// One normalized value in record JSON form (one2many: its id list). Absent/null reads as the type's empty value.
    /// </summary>
    public static JsonNode? ValueToJson(FieldDefinition field, object? value)
    {
        ArgumentNullException.ThrowIfNull(field);
        value ??= FieldValues.Empty(field);
        return field.Type switch
        {
            FieldType.Char or FieldType.Text or FieldType.Html or FieldType.Selection => value is null
                ? null
                : JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
            FieldType.Integer => JsonValue.Create(FieldValues.AsLong(value)),
            FieldType.Float or FieldType.Monetary => FieldValues.AsDouble(value) is var number && double.IsFinite(number)
                ? JsonValue.Create(number)
                : JsonValue.Create(0.0),
            FieldType.Boolean => JsonValue.Create(value is true),
            FieldType.Date => value switch
            {
                DateOnly d => JsonValue.Create(FormatDate(d)),
                DateTime dt => JsonValue.Create(FormatDate(DateOnly.FromDateTime(dt))),
                _ => null,
            },
            FieldType.Datetime => value switch
            {
                DateTime dt => JsonValue.Create(FormatDateTime(dt)),
                DateTimeOffset dto => JsonValue.Create(FormatDateTime(dto.UtcDateTime)),
                _ => null,
            },
            FieldType.Many2one => value is null ? null : FieldValues.AsLong(value) is var id && id > 0
                ? JsonValue.Create(id)
                : null,
            FieldType.Many2many or FieldType.One2many => IdsToJson(value as IEnumerable<long>),
            FieldType.Json => (value as JsonNode)?.DeepClone(),
            _ => null,
        };
    }

    /// <summary>
    /// Odoo's display name without related lookups: the rec_name field's value as text, else <c>"model,id"</c>.
    /// A many2one rec_name (e.g. <c>mail.followers.partner_id</c>) needs the related record's name, which only the
    /// caller can read: pass it as <c>displayName</c> to <see cref="ToJson"/>.
    /// </summary>
    public static string DefaultDisplayName(ModelDefinition model, RecordData record)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(record);
        var recName = model.Field(model.RecName);
        var value = recName is null ? null : record.Values.GetValueOrDefault(recName.Name);
        return value switch
        {
            string { Length: > 0 } text => text,
            DateOnly date => FormatDate(date),
            DateTime dateTime => FormatDateTime(dateTime),
            long or int or double when recName!.Type is not FieldType.Many2one => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            _ => string.Create(CultureInfo.InvariantCulture, $"{model.Name},{record.Id}"),
        };
    }

    /// <summary>The API's datetime form: ISO 8601 UTC to the second, <c>"2026-11-22T09:00:00Z"</c>.</summary>
    public static string FormatDateTime(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>The API's date form, <c>"YYYY-MM-DD"</c>.</summary>
    public static string FormatDate(DateOnly value) => value.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// The stored fields whose values really differ between two value sets (before/after images of a change), in
    /// declaration order, compared with <see cref="FieldValues.AreEqual"/>: absent, null and the type's empty value
    /// are the same, many2many ids compare as sets, json by deep equality. one2many is not stored, so never listed.
    /// </summary>
    public static IReadOnlyList<string> ChangedFields(ModelDefinition model, IReadOnlyDictionary<string, object?> before,
        IReadOnlyDictionary<string, object?> after)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return model.Fields
            .Where(f => f.IsStored && !FieldValues.AreEqual(f, before.GetValueOrDefault(f.Name), after.GetValueOrDefault(f.Name)))
            .Select(f => f.Name)
            .ToList();
    }

    private static JsonArray IdsToJson(IEnumerable<long>? ids) => [.. (ids ?? []).Select(id => (JsonNode?)JsonValue.Create(id))];
}
