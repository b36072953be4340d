using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Storage.Tables;

namespace Automation.Storage.Records;

/// <summary>
/// Records as table entities: one partition per model, RowKey = the id zero-padded to 12 digits (so keys sort by id),
/// one typed property per stored field so domain leaves can be pushed into <c>$filter</c>. Dates are
/// <c>yyyy-MM-dd</c> strings (they sort and compare correctly), datetimes Edm.DateTime, x2many a compact JSON id
/// array, json its text. An empty value is an absent property. Pending change events share the partition under
/// RowKeys starting with <see cref="EventRowPrefix"/>, which sorts after every record.
/// </summary>
public static class RecordEntities
{
    public const string TableName = "records";
    public const string EventRowPrefix = "~evt~";
    public const string EndOfRecords = "~";

    /// <summary>Characters of text per string property (the service allows 32 K UTF-16 characters).</summary>
    public const int TextChunkChars = 30_000;

    public static string RowKey(long id) => id.ToString("D12", CultureInfo.InvariantCulture);

    public static TableEntity ToEntity(ModelDefinition model, long id, IReadOnlyDictionary<string, object?> values, DateTime created, DateTime written)
    {
        var entity = new TableEntity(model.Name, RowKey(id))
        {
            ["id"] = id,
            ["create_date"] = new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)),
            ["write_date"] = new DateTimeOffset(DateTime.SpecifyKind(written, DateTimeKind.Utc)),
        };
        foreach (var field in model.Fields)
        {
            if (!field.IsStored || !values.TryGetValue(field.Name, out var value) || value is null)
            {
                continue;
            }

            if (value is string { Length: > TextChunkChars } text)
            {
                // A string property holds 32 K UTF-16 characters; longer text continues in name_X2, name_X3, …
                // (field names are lowercase, so these never collide with a field).
                for (var part = 0; part * TextChunkChars < text.Length; part++)
                {
                    entity[part == 0 ? field.Name : ContinuationName(field.Name, part)] =
                        text.Substring(part * TextChunkChars, Math.Min(TextChunkChars, text.Length - part * TextChunkChars));
                }

                continue;
            }

            entity[field.Name] = value switch
            {
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
                IReadOnlyList<long> ids => ids.Count == 0 ? null : JsonSerializer.Serialize(ids),
                JsonNode node => node.ToJsonString(),
                _ => value,
            };
        }

        return entity;
    }

    public static RecordData FromEntity(ModelDefinition model, TableEntity entity)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in model.Fields)
        {
            if (!field.IsStored || entity[field.Name] is not { } raw)
            {
                continue;
            }

            values[field.Name] = field.Type switch
            {
                FieldType.Date => raw is string s ? DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                FieldType.Datetime => raw is DateTimeOffset dto ? dto.UtcDateTime : null,
                FieldType.Many2many => raw is string s ? JsonSerializer.Deserialize<long[]>(s) ?? [] : Array.Empty<long>(),
                FieldType.Json => raw is string s ? JsonNode.Parse(s) : null,
                FieldType.Integer or FieldType.Many2one => entity.GetInt64(field.Name),
                FieldType.Float or FieldType.Monetary => entity.GetDouble(field.Name),
                _ when raw is string first && entity.ContainsKey(ContinuationName(field.Name, 1)) => JoinText(entity, field.Name, first),
                _ => raw,
            };
        }

        var id = entity.GetInt64("id") ?? long.Parse(entity.RowKey, CultureInfo.InvariantCulture);
        return new RecordData(model.Name, id, values)
        {
            CreateDate = entity.GetDateTimeOffset("create_date")?.UtcDateTime ?? default,
            WriteDate = entity.GetDateTimeOffset("write_date")?.UtcDateTime ?? default,
            ETag = entity.ETag.ToString(),
        };
    }

    private static string ContinuationName(string field, int part) => field + "_X" + (part + 1).ToString(CultureInfo.InvariantCulture);

    private static string JoinText(TableEntity entity, string field, string first)
    {
        var text = new System.Text.StringBuilder(first);
        for (var part = 1; entity.GetString(ContinuationName(field, part)) is { } more; part++)
        {
            text.Append(more);
        }

        return text.ToString();
    }

    /// <summary>The <c>$filter</c> that selects a model's records (not its pending events).</summary>
    public static string ModelFilter(string model) =>
        $"PartitionKey eq {TableKeys.Quote(model)} and RowKey lt '{EndOfRecords}'";
}
