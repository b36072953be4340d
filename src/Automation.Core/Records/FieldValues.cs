using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Models;

namespace Automation.Core.Records;

/// <summary>
/// Odoo's empty values and value equality for normalized field values (the types documented on <see cref="RecordData"/>).
/// spec §7.2: text treats <c>''</c> like not set, numbers treat 0 like not set, boolean <c>false</c> like NULL,
/// an x2many with no ids is not set — so "absent", null and the type's empty value are all the same value.
/// </summary>
public static class FieldValues
{
    /// <summary>The normalized value an absent field reads as: null, 0L, 0.0, false or an empty id list.</summary>
    public static object? Empty(FieldDefinition field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Type switch
        {
            FieldType.Integer => 0L,
            FieldType.Float or FieldType.Monetary => 0.0,
            FieldType.Boolean => false,
            FieldType.Many2many or FieldType.One2many => Array.Empty<long>(),
            _ => null,
        };
    }

    /// <summary>
    /// Whether the value is "not set" for a <c>required</c> check: null, <c>''</c>, or no ids. Numbers and booleans
    /// always hold a value (Odoo stores 0 and false under NOT NULL), so they are never missing.
    /// </summary>
    public static bool IsMissing(FieldDefinition field, object? value)
    {
        ArgumentNullException.ThrowIfNull(field);
        return value switch
        {
            null => field.Type is not (FieldType.Integer or FieldType.Float or FieldType.Monetary or FieldType.Boolean),
            string s => s.Length == 0,
            IReadOnlyCollection<long> ids => ids.Count == 0,
            _ => false,
        };
    }

    /// <summary>
    /// Equality with empty-value equivalence: absent == null == the type's empty value (and <c>''</c> for text);
    /// many2many ids compare as sets; json by deep equality; datetimes to the second.
    /// </summary>
    public static bool AreEqual(FieldDefinition field, object? a, object? b)
    {
        ArgumentNullException.ThrowIfNull(field);
        switch (field.Type)
        {
            case FieldType.Char or FieldType.Text or FieldType.Html or FieldType.Selection:
                return string.Equals(AsText(a), AsText(b), StringComparison.Ordinal);
            case FieldType.Integer:
                return AsLong(a) == AsLong(b);
            case FieldType.Float or FieldType.Monetary:
                return AsDouble(a).Equals(AsDouble(b));
            case FieldType.Boolean:
                return AsBool(a) == AsBool(b);
            case FieldType.Many2one:
                return NullIfZero(a) == NullIfZero(b);
            case FieldType.Many2many or FieldType.One2many:
                return AsIds(a).SetEquals(AsIds(b));
            case FieldType.Date:
                return Nullable.Equals(AsDate(a), AsDate(b));
            case FieldType.Datetime:
                return Nullable.Equals(AsDateTime(a), AsDateTime(b));
            case FieldType.Json:
                return JsonNode.DeepEquals(AsJson(a), AsJson(b));
            default:
                return Equals(a, b);
        }
    }

    private static string? AsText(object? v) => v switch
    {
        null => null,
        string { Length: 0 } => null,
        string s => s,
        _ => Convert.ToString(v, CultureInfo.InvariantCulture),
    };

    // Stored values should already be long/double; other numeric types (int from a deserializer) are converted, and
    // anything else (bad stored data) reads as NaN/0 rather than throwing in the middle of a write.
    internal static long AsLong(object? v) => v switch
    {
        null => 0,
        long l => l,
        int or short or byte or uint or ushort or sbyte => Convert.ToInt64(v, CultureInfo.InvariantCulture),
        double d when double.IsFinite(d) && d >= long.MinValue && d < long.MaxValue => (long)d,
        decimal m when m >= long.MinValue && m <= long.MaxValue => (long)m,
        _ => 0,
    };

    internal static double AsDouble(object? v) => v switch
    {
        null => 0.0,
        double d => d,
        float or long or int or short or byte or decimal or uint or ulong or ushort or sbyte => Convert.ToDouble(v, CultureInfo.InvariantCulture),
        _ => double.NaN,
    };

    private static bool AsBool(object? v) => v is bool b && b;

    private static long? NullIfZero(object? v) => v is null ? null : AsLong(v) is var id && id != 0 ? id : null;

    private static HashSet<long> AsIds(object? v) => v is IEnumerable<long> ids ? [.. ids] : [];

    private static DateOnly? AsDate(object? v) => v switch
    {
        DateOnly d => d,
        DateTime dt => DateOnly.FromDateTime(dt),
        _ => null,
    };

    private static DateTime? AsDateTime(object? v) => v switch
    {
        DateTime dt => TruncateToSeconds(dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt),
        DateTimeOffset dto => TruncateToSeconds(dto.UtcDateTime),
        _ => null,
    };

    private static JsonNode? AsJson(object? v) => v as JsonNode;

    internal static DateTime TruncateToSeconds(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
