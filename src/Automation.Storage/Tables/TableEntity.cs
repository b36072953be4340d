using System.Collections;
using Azure;

namespace Automation.Storage.Tables;

/// <summary>
/// A table entity: keys, the server's Timestamp and ETag, and typed properties. Supported property types are the
/// Edm types of the Table service: string, int, long, double, bool, DateTimeOffset (DateTime is stored as UTC),
/// Guid and byte[].
/// </summary>
public sealed class TableEntity : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);

    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; set; }

    public string RowKey { get; set; }

    /// <summary>Set by the service; read-only there.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The entity's version, sent back verbatim in <c>If-Match</c>.</summary>
    public ETag ETag { get; set; }

    public int Count => _properties.Count;

    public IEnumerable<string> Keys => _properties.Keys;

    public object? this[string name]
    {
        get => _properties.TryGetValue(name, out var value) ? value : null;
        set => _properties[name] = Normalize(name, value);
    }

    public bool ContainsKey(string name) => _properties.ContainsKey(name);

    public bool Remove(string name) => _properties.Remove(name);

    public string? GetString(string name) => this[name] as string;

    public int? GetInt32(string name) => this[name] switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        _ => null,
    };

    public long? GetInt64(string name) => this[name] switch
    {
        long l => l,
        int i => i,
        _ => null,
    };

    public double? GetDouble(string name) => this[name] switch
    {
        double d => d,
        int i => i,
        long l => l,
        _ => null,
    };

    public bool? GetBoolean(string name) => this[name] as bool?;

    public DateTimeOffset? GetDateTimeOffset(string name) => this[name] as DateTimeOffset?;

    public Guid? GetGuid(string name) => this[name] as Guid?;

    public byte[]? GetBinary(string name) => this[name] as byte[];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static object? Normalize(string name, object? value) => value switch
    {
        null or string or int or long or double or bool or Guid or byte[] => value,
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()),
        float f => (double)f,
        short s => (int)s,
        byte b => (int)b,
        decimal m => (double)m,
        BinaryData data => data.ToArray(),
        _ => throw new ArgumentException(
            $"Property '{name}' has type {value.GetType().Name}, which Table Storage cannot store " +
            "(use string, int, long, double, bool, DateTimeOffset, Guid or byte[]).", nameof(value)),
    };
}
