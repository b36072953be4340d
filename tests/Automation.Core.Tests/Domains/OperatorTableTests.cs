using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Models;
using static Automation.Core.Tests.Domains.DomainModels;

namespace Automation.Core.Tests.Domains;

/// <summary>Every operator on every field type, with the empty value (absent field) where it matters (spec §7.1, §7.2).</summary>
public sealed class OperatorTableTests
{
    [Theory]
    // char
    [InlineData("name", "=", "'x'", "x", true)]
    [InlineData("name", "=", "'x'", null, false)]
    [InlineData("name", "!=", "'x'", null, true)]
    [InlineData("name", "!=", "'x'", "x", false)]
    [InlineData("name", "<>", "'x'", null, true)]
    [InlineData("name", "==", "'x'", "x", true)]
    [InlineData("name", "=", "False", null, true)]
    [InlineData("name", "=", "False", "", true)]
    [InlineData("name", "=", "None", null, true)]
    [InlineData("name", "=", "''", null, true)]
    [InlineData("name", "!=", "False", null, false)]
    [InlineData("name", "!=", "False", "x", true)]
    [InlineData("name", "<", "'m'", "a", true)]
    [InlineData("name", "<", "'m'", null, false)]
    [InlineData("name", ">=", "'m'", "z", true)]
    [InlineData("name", "in", "['x', False]", null, true)]
    [InlineData("name", "in", "['x']", null, false)]
    [InlineData("name", "in", "[]", "x", false)]
    [InlineData("name", "not in", "[]", "x", true)]
    [InlineData("name", "not in", "['x']", null, true)]
    [InlineData("name", "not in", "['x', False]", null, false)]
    [InlineData("name", "=", "['x', 'y']", "y", true)]
    [InlineData("name", "!=", "['x', 'y']", "y", false)]
    [InlineData("name", "like", "'b_b'", "xbobx", true)]
    [InlineData("name", "like", "'B'", "bob", false)]
    [InlineData("name", "like", "'50\\\\%'", "a 50% off", true)]
    [InlineData("name", "like", "'50\\\\%'", "500", false)]
    [InlineData("name", "like", "''", null, true)]
    [InlineData("name", "like", "'b'", null, false)]
    [InlineData("name", "not like", "''", "x", false)]
    [InlineData("name", "not like", "'b'", null, true)]
    [InlineData("name", "ilike", "'B'", "abc", true)]
    [InlineData("name", "not ilike", "'B'", "abc", false)]
    [InlineData("name", "=like", "''", null, true)]
    [InlineData("name", "=like", "''", "x", false)]
    [InlineData("name", "=like", "'b%'", "bob", true)]
    [InlineData("name", "=like", "'b%'", "abob", false)]
    [InlineData("name", "not =like", "'b%'", null, true)]
    [InlineData("name", "not =like", "'b%'", "bob", false)]
    [InlineData("name", "=ilike", "'B_B'", "bob", true)]
    [InlineData("name", "not =ilike", "'B%'", "bob", false)]
    [InlineData("name", "not =ilike", "'B%'", "abc", true)]
    [InlineData("name", "=?", "''", "x", true)]
    [InlineData("name", "=?", "'x'", "y", false)]
    [InlineData("notes", "ilike", "'LONG'", "a long text", true)]
    [InlineData("state", "=", "'draft'", "draft", true)]
    [InlineData("state", "!=", "'draft'", null, true)]
    // integer: empty is 0
    [InlineData("qty", "=", "0", null, true)]
    [InlineData("qty", "=", "False", null, true)]
    [InlineData("qty", "=", "False", 0L, true)]
    [InlineData("qty", "!=", "False", 3L, true)]
    [InlineData("qty", "!=", "False", null, false)]
    [InlineData("qty", "<", "5", null, true)]
    [InlineData("qty", ">", "0", null, false)]
    [InlineData("qty", "!=", "3", null, true)]
    [InlineData("qty", "<=", "3", 3L, true)]
    [InlineData("qty", ">=", "2.5", 3L, true)]
    [InlineData("qty", "in", "[False]", null, true)]
    [InlineData("qty", "in", "[1, 2]", 2L, true)]
    [InlineData("qty", "not in", "[1, 2]", null, true)]
    [InlineData("qty", "=?", "0", 7L, true)]
    [InlineData("qty", "=?", "3", 7L, false)]
    // float
    [InlineData("amount", "=", "1.5", 1.5, true)]
    [InlineData("amount", "<", "1", null, true)]
    [InlineData("amount", "=", "False", 0.0, true)]
    [InlineData("amount", ">", "0.25", 0.5, true)]
    // boolean: empty is False
    [InlineData("active", "=", "False", null, true)]
    [InlineData("active", "=", "False", false, true)]
    [InlineData("active", "=", "True", null, false)]
    [InlineData("active", "=", "True", true, true)]
    [InlineData("active", "!=", "False", true, true)]
    [InlineData("active", "!=", "True", null, true)]
    [InlineData("active", "in", "[True]", true, true)]
    [InlineData("active", "not in", "[True]", null, true)]
    // date: inequalities against False match nothing
    [InlineData("date", "=", "'2025-01-02'", "2025-01-02", true)]
    [InlineData("date", "<", "False", "2025-01-02", false)]
    [InlineData("date", ">", "False", "2025-01-02", false)]
    [InlineData("date", "<", "'2025-02-01'", null, false)]
    [InlineData("date", "<", "'2025-02-01'", "2025-01-31", true)]
    [InlineData("date", "!=", "'2025-01-02'", null, true)]
    [InlineData("date", "=", "False", null, true)]
    [InlineData("date", "!=", "False", "2025-01-02", true)]
    [InlineData("date", "in", "[False]", null, true)]
    [InlineData("date", "in", "['2025-01-02']", "2025-01-02", true)]
    // datetime
    [InlineData("deadline", ">=", "'2025-01-02 10:00:00'", "2025-01-02 10:00:00", true)]
    [InlineData("deadline", "<", "'2025-01-02'", "2025-01-01 23:59:59", true)]
    [InlineData("deadline", ">", "False", "2025-01-01 23:59:59", false)]
    [InlineData("deadline", "=", "False", null, true)]
    [InlineData("deadline", "!=", "'2025-01-02 10:00:00'", null, true)]
    [InlineData("create_date", "<", "'2025-01-02'", null, true)]
    [InlineData("write_date", ">", "'2025-06-01 11:59:59'", null, true)]
    // many2one
    [InlineData("partner_id", "=", "5", 5L, true)]
    [InlineData("partner_id", "!=", "5", null, true)]
    [InlineData("partner_id", "!=", "5", 5L, false)]
    [InlineData("partner_id", "=", "False", null, true)]
    [InlineData("partner_id", "!=", "False", 5L, true)]
    [InlineData("partner_id", "in", "[5, False]", null, true)]
    [InlineData("partner_id", "not in", "[5]", null, true)]
    [InlineData("partner_id", "not in", "[5, False]", null, false)]
    [InlineData("partner_id", ">", "3", 5L, true)]
    [InlineData("partner_id", "<", "3", null, false)]
    // many2many
    [InlineData("tag_ids", "=", "False", null, true)]
    [InlineData("tag_ids", "=", "False", "1", false)]
    [InlineData("tag_ids", "!=", "[]", "1", true)]
    [InlineData("tag_ids", "!=", "[]", null, false)]
    [InlineData("tag_ids", "=", "[]", null, true)]
    [InlineData("tag_ids", "in", "[1]", "1,2", true)]
    [InlineData("tag_ids", "in", "[3]", "1,2", false)]
    [InlineData("tag_ids", "not in", "[1]", "1,2", false)]
    [InlineData("tag_ids", "not in", "[3]", "1,2", true)]
    [InlineData("tag_ids", "not in", "[3]", null, true)]
    [InlineData("tag_ids", "in", "[False]", null, true)]
    [InlineData("tag_ids", "=", "1", "1,2", true)]
    [InlineData("tag_ids", "!=", "1", "1,2", false)]
    // json
    [InlineData("data", "=", "False", null, true)]
    [InlineData("data", "!=", "False", "{}", true)]
    // id (the record is id 7)
    [InlineData("id", "in", "[7, 8]", null, true)]
    [InlineData("id", "!=", "7", null, false)]
    [InlineData("id", "=", "False", null, false)]
    [InlineData("id", "!=", "False", null, true)]
    public void Operator_OnFieldType_MatchesPerSpec(string field, string op, string operand, object? stored, bool expected)
    {
        var domain = Compile($"[('{field}', '{op}', {operand})]");
        var record = Lead1(7, (field, Normalize(field, stored)));

        Assert.Equal(expected, domain.Matches(record));
    }

    private static object? Normalize(string field, object? value)
    {
        if (value is null || Lead.Field(field) is not { } definition)
        {
            return value;
        }

        return (definition.Type, value) switch
        {
            (FieldType.Date, string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture),
            (FieldType.Datetime, string s) => DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture), DateTimeKind.Utc),
            (FieldType.Many2many, string s) => s.Split(',').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray(),
            (FieldType.Json, string s) => JsonNode.Parse(s),
            _ => value,
        };
    }
}
