using System.Text.RegularExpressions;

namespace Automation.Storage.Tables;

/// <summary>Key and name rules of the Table service, checked before a request is sent (spec §3.6).</summary>
public static partial class TableKeys
{
    /// <summary>The service's limit for PartitionKey and RowKey (Azurite: 512 UTF-16 characters).</summary>
    public const int MaxKeyLength = 512;

    public static void Validate(string partitionKey, string rowKey)
    {
        ValidateKey(partitionKey, "PartitionKey");
        ValidateKey(rowKey, "RowKey");
    }

    public static void ValidateKey(string key, string name)
    {
        ArgumentNullException.ThrowIfNull(key, name);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"{name} is {key.Length} characters long; the limit is {MaxKeyLength}.", name);
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                var shown = char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
                throw new ArgumentException(
                    $"{name} '{Printable(key)}' contains '{shown}', which Table Storage does not allow in keys " +
                    "('/', '\\', '#', '?' and control characters).", name);
            }
        }
    }

    public static void ValidateTableName(string tableName)
    {
        if (!TableNamePattern().IsMatch(tableName ?? ""))
        {
            throw new ArgumentException(
                $"Table name '{tableName}' is invalid: 3–63 letters and digits, starting with a letter (no hyphens).",
                nameof(tableName));
        }
    }

    /// <summary>OData string literal for <c>$filter</c>: quotes doubled.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Printable(string key) =>
        new(key.Select(c => char.IsControl(c) ? '?' : c).Take(64).ToArray());

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();
}
