using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Azure;

namespace Automation.Storage.Tables;

/// <summary>Entity ⇄ JSON with OData type annotations (spec §3.6).</summary>
internal static class TableEntityJson
{
    /// <summary>Service limit for one entity.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    /// <summary>Service limit for a string property: 64 KiB of UTF-16.</summary>
    public const int MaxStringChars = 32 * 1024;

    public const int MaxBinaryBytes = 64 * 1024;

    public const int MaxProperties = 252;

    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static byte[] Serialize(TableEntity entity)
    {
        Validate(entity);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, entity);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, TableEntity entity)
    {
        writer.WriteStartObject();
        writer.WriteString("PartitionKey", entity.PartitionKey);
        writer.WriteString("RowKey", entity.RowKey);
        foreach (var (name, value) in entity)
        {
            switch (value)
            {
                case null:
                    break; // the service has no nulls: an absent property is the null
                case string s:
                    writer.WriteString(name, s);
                    break;
                case int i:
                    writer.WriteNumber(name, i);
                    break;
                case long l:
                    writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                    writer.WriteString(name + "@odata.type", "Edm.Int64");
                    break;
                case double d:
                    if (double.IsFinite(d))
                    {
                        writer.WriteNumber(name, d);
                    }
                    else
                    {
                        writer.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    }

                    writer.WriteString(name + "@odata.type", "Edm.Double");
                    break;
                case bool b:
                    writer.WriteBoolean(name, b);
                    break;
                case DateTimeOffset dto:
                    writer.WriteString(name, dto.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
                    writer.WriteString(name + "@odata.type", "Edm.DateTime");
                    break;
                case Guid g:
                    writer.WriteString(name, g.ToString("D"));
                    writer.WriteString(name + "@odata.type", "Edm.Guid");
                    break;
                case byte[] bytes:
                    writer.WriteBase64String(name, bytes);
                    writer.WriteString(name + "@odata.type", "Edm.Binary");
                    break;
                default:
                    throw new InvalidOperationException($"Unsupported property type {value.GetType().Name}.");
            }
        }

        writer.WriteEndObject();
    }

    public static TableEntity Read(JsonElement element, ETag etagFromHeader = default)
    {
        var entity = new TableEntity(
            element.TryGetProperty("PartitionKey", out var pk) ? pk.GetString() ?? "" : "",
            element.TryGetProperty("RowKey", out var rk) ? rk.GetString() ?? "" : "");
        entity.ETag = element.TryGetProperty("odata.etag", out var etag) && etag.GetString() is { } e ? new ETag(e) : etagFromHeader;
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            if (name is "PartitionKey" or "RowKey" || name.StartsWith("odata.", StringComparison.Ordinal) ||
                name.Contains('@', StringComparison.Ordinal))
            {
                continue;
            }

            if (name == "Timestamp")
            {
                entity.Timestamp = DateTimeOffset.Parse(property.Value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                continue;
            }

            var type = element.TryGetProperty(name + "@odata.type", out var t) ? t.GetString() : null;
            entity[name] = ReadValue(property.Value, type);
        }

        return entity;
    }

    private static object? ReadValue(JsonElement value, string? edmType)
    {
        switch (edmType)
        {
            case "Edm.Int64":
                return value.ValueKind == JsonValueKind.String
                    ? long.Parse(value.GetString()!, CultureInfo.InvariantCulture)
                    : value.GetInt64();
            case "Edm.Double":
                return value.ValueKind == JsonValueKind.String
                    ? value.GetString() switch
                    {
                        "NaN" => double.NaN,
                        "Infinity" => double.PositiveInfinity,
                        "-Infinity" => double.NegativeInfinity,
                        var s => double.Parse(s!, CultureInfo.InvariantCulture),
                    }
                    : value.GetDouble();
            case "Edm.DateTime":
                return DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            case "Edm.Guid":
                return Guid.Parse(value.GetString()!);
            case "Edm.Binary":
                return value.GetBytesFromBase64();
            case "Edm.Int32":
                return value.GetInt32();
            case "Edm.Boolean":
                return value.GetBoolean();
            case "Edm.String":
                return value.GetString();
            default:
                break;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetInt32(out var i) && !HasFraction(value) => i,
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };
    }

    private static bool HasFraction(JsonElement number)
    {
        var raw = number.GetRawText();
        return raw.Contains('.', StringComparison.Ordinal) || raw.Contains('e', StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Refuses what the service would refuse, with a message naming the property and the limit.</summary>
    public static void Validate(TableEntity entity)
    {
        TableKeys.Validate(entity.PartitionKey, entity.RowKey);
        if (entity.Count > MaxProperties)
        {
            throw new RequestFailedException(400,
                $"The entity has {entity.Count} properties; Table Storage allows {MaxProperties}.", "TooManyProperties", null);
        }

        // Size as the service counts it (UTF-16 strings): 4 + keys + per property 8 + name + value.
        long size = 4 + (entity.PartitionKey.Length + entity.RowKey.Length) * 2L;
        foreach (var (name, value) in entity)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.Contains('@', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Property name '{name}' is reserved.", nameof(entity));
            }

            size += 8 + name.Length * 2L;
            size += value switch
            {
                string s when s.Length > MaxStringChars => throw new RequestFailedException(400,
                    $"Property '{name}' is {s.Length} characters long; a string property holds at most {MaxStringChars} (64 KiB).",
                    "PropertyValueTooLarge", null),
                byte[] b when b.Length > MaxBinaryBytes => throw new RequestFailedException(400,
                    $"Property '{name}' is {b.Length} bytes long; a binary property holds at most {MaxBinaryBytes} (64 KiB).",
                    "PropertyValueTooLarge", null),
                string s => 4 + s.Length * 2L,
                byte[] b => 4 + b.Length,
                Guid => 16,
                bool => 1,
                null => 0,
                _ => 8,
            };
        }

        if (size > MaxEntityBytes)
        {
            throw new RequestFailedException(413,
                $"The entity is about {size:N0} bytes; Table Storage allows {MaxEntityBytes:N0} (1 MiB) per entity.", "EntityTooLarge", null);
        }
    }
}
