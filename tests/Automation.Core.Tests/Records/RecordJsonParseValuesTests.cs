using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;
using static Automation.Core.Tests.Records.TestModels;

namespace Automation.Core.Tests.Records;

public sealed class RecordJsonParseValuesTests
{
    private static object? Valid(string field, string json)
    {
        var parsed = ParseOne(field, json);
        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        return parsed.Values[field];
    }

    private static string Invalid(string field, string json)
    {
        var parsed = ParseOne(field, json);
        Assert.False(parsed.IsValid, $"{json} should be rejected for {field}");
        Assert.True(parsed.Errors.Contains(field), parsed.Errors.ToString());
        Assert.DoesNotContain(field, parsed.Values.Keys);
        return parsed.Errors[field][0];
    }

    [Theory]
    [InlineData("c", "\"abc\"", "abc")]
    [InlineData("c", "\"\"", "")]
    [InlineData("t", "\"line 1\\nline 2\"", "line 1\nline 2")]
    [InlineData("h", "\"<p>Hi</p>\"", "<p>Hi</p>")]
    [InlineData("s", "\"b\"", "b")]
    public void Text_ValidString_ParsesToString(string field, string json, string expected) =>
        Assert.Equal(expected, Valid(field, json));

    [Theory]
    [InlineData("c")]
    [InlineData("t")]
    [InlineData("h")]
    [InlineData("s")]
    [InlineData("d")]
    [InlineData("dt")]
    [InlineData("m2o")]
    [InlineData("j")]
    public void NullableTypes_FalseOrNull_ParseToNull(string field)
    {
        Assert.Null(Valid(field, "false"));
        Assert.Null(Valid(field, "null"));
    }

    [Theory]
    [InlineData("c", "42")]
    [InlineData("t", "true")]
    [InlineData("h", "[\"x\"]")]
    [InlineData("c", "{}")]
    public void Text_NonString_IsRejected(string field, string json) =>
        Assert.Equal("Expected a string.", Invalid(field, json));

    [Fact]
    public void Text_At64KiBOfUtf8_IsAccepted()
    {
        var text = new string('é', RecordJson.MaxTextBytes / 2); // 2 bytes each: exactly 65,536 bytes
        Assert.Equal(text, Valid("t", JsonValue.Create(text)!.ToJsonString()));
    }

    [Fact]
    public void Text_OneByteOver64KiB_IsRejectedWithTheLimit()
    {
        var text = new string('é', RecordJson.MaxTextBytes / 2) + "x";
        Assert.Contains("at most 65,536 bytes", Invalid("c", JsonValue.Create(text)!.ToJsonString()), StringComparison.Ordinal);
    }

    [Fact]
    public void Selection_UnknownKey_IsRejectedListingAllowedKeys()
    {
        var error = Invalid("s", "\"z\"");
        Assert.Contains("'z'", error, StringComparison.Ordinal);
        Assert.Contains("'a', 'b'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData("\"Alpha\"")]
    public void Selection_NonKey_IsRejected(string json) => Invalid("s", json);

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("-7", -7L)]
    [InlineData("0", 0L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("3.0", 3L)]
    [InlineData("false", 0L)]
    [InlineData("null", 0L)]
    public void Integer_ValidValue_ParsesToLong(string json, long expected)
    {
        var value = Valid("i", json);
        Assert.IsType<long>(value);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("1.5")]
    [InlineData("\"42\"")]
    [InlineData("true")]
    [InlineData("[1]")]
    public void Integer_NonIntegerOrOutOfRange_IsRejected(string json) =>
        Assert.StartsWith("Expected an integer", Invalid("i", json), StringComparison.Ordinal);

    [Theory]
    [InlineData("f", "1.5", 1.5)]
    [InlineData("f", "-2e10", -2e10)]
    [InlineData("f", "3", 3.0)]
    [InlineData("f", "false", 0.0)]
    [InlineData("m", "1234.56", 1234.56)]
    [InlineData("m", "null", 0.0)]
    public void Float_ValidValue_ParsesToDouble(string field, string json, double expected)
    {
        var value = Valid(field, json);
        Assert.IsType<double>(value);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("f", "\"1.5\"")]
    [InlineData("f", "1e400")]
    [InlineData("m", "true")]
    [InlineData("m", "{}")]
    public void Float_NonNumberOrInfinite_IsRejected(string field, string json) =>
        Assert.StartsWith("Expected a", Invalid(field, json), StringComparison.Ordinal);

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("null", false)]
    public void Boolean_ValidValue_ParsesToBool(string json, bool expected) => Assert.Equal(expected, Valid("b", json));

    [Theory]
    [InlineData("1")]
    [InlineData("\"true\"")]
    [InlineData("[]")]
    public void Boolean_NonBoolean_IsRejected(string json) =>
        Assert.Equal("Expected a boolean (true or false).", Invalid("b", json));

    [Theory]
    [InlineData("\"2026-11-22\"", 2026, 11, 22)]
    [InlineData("\"2024-02-29\"", 2024, 2, 29)]
    [InlineData("\"0001-01-01\"", 1, 1, 1)]
    public void Date_YearMonthDay_ParsesToDateOnly(string json, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), Valid("d", json));

    [Theory]
    [InlineData("\"2026-13-01\"")]
    [InlineData("\"2023-02-29\"")]
    [InlineData("\"22/11/2026\"")]
    [InlineData("\"2026-11-22T09:00:00Z\"")]
    [InlineData("20261122")]
    [InlineData("true")]
    public void Date_NotYearMonthDay_IsRejected(string json) =>
        Assert.Equal("Expected a date \"YYYY-MM-DD\".", Invalid("d", json));

    [Theory]
    [InlineData("\"2026-11-22T09:00:00Z\"", "2026-11-22T09:00:00")]
    [InlineData("\"2026-11-22T10:30:00+01:30\"", "2026-11-22T09:00:00")]
    [InlineData("\"2026-11-22T01:00:00-08:00\"", "2026-11-22T09:00:00")]
    [InlineData("\"2026-11-22T09:00:00.987Z\"", "2026-11-22T09:00:00")]
    [InlineData("\"2026-11-22 09:00:00\"", "2026-11-22T09:00:00")]
    [InlineData("\"2026-11-22\"", "2026-11-22T00:00:00")]
    public void Datetime_IsoWithZoneOrOdooFormat_ParsesToUtcWholeSeconds(string json, string expectedUtc)
    {
        var value = Assert.IsType<DateTime>(Valid("dt", json));
        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(DateTime.Parse(expectedUtc, CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("\"2026-11-22T09:00:00\"")]
    [InlineData("\"2026-11-22 25:00:00\"")]
    [InlineData("\"2026-11-22 09:00\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("1700000000")]
    public void Datetime_NaiveIsoOrGarbage_IsRejected(string json) =>
        Assert.StartsWith("Expected a UTC datetime", Invalid("dt", json), StringComparison.Ordinal);

    [Theory]
    [InlineData("7", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Many2one_PositiveId_ParsesToLong(string json, long expected) => Assert.Equal(expected, Valid("m2o", json));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("\"7\"")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("[7, \"Name\"]")]
    public void Many2one_NotAPositiveId_IsRejected(string json) =>
        Assert.Equal("Expected a positive integer record id, or null/false.", Invalid("m2o", json));

    [Theory]
    [InlineData("[3, 1, 3]", new long[] { 3, 1 })]
    [InlineData("[]", new long[0])]
    [InlineData("false", new long[0])]
    [InlineData("null", new long[0])]
    public void Many2many_IdArrayOrEmpty_ParsesToDistinctIds(string json, long[] expected)
    {
        var parsed = ParseOne("m2m", json);
        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.Equal(expected, Assert.IsAssignableFrom<IReadOnlyList<long>>(parsed.Values["m2m"]));
        Assert.Empty(parsed.Commands);
    }

    [Theory]
    [InlineData("[0]")]
    [InlineData("[\"a\"]")]
    [InlineData("{}")]
    [InlineData("7")]
    [InlineData("[1, [4, 2]]")]
    public void Many2many_NotIdsOrCommands_IsRejected(string json) => Invalid("m2m", json);

    [Theory]
    [InlineData("[1, 2]", new long[] { 1, 2 })]
    [InlineData("false", new long[0])]
    public void One2many_IdArrayOrFalse_BecomesOneSetCommand(string json, long[] expected)
    {
        var parsed = ParseOne("o2m", json);
        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.DoesNotContain("o2m", parsed.Values.Keys);
        var command = Assert.Single(parsed.Commands["o2m"]);
        Assert.Equal(X2ManyOperation.Set, command.Operation);
        Assert.Equal(expected, command.Ids);
    }

    [Theory]
    [InlineData("{\"a\": [1, 2], \"b\": null}")]
    [InlineData("[1, \"x\"]")]
    [InlineData("\"text\"")]
    [InlineData("0")]
    [InlineData("true")]
    public void Json_AnyJson_ParsesToEqualNode(string json) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), Assert.IsAssignableFrom<JsonNode>(Valid("j", json))));

    [Fact]
    public void ParseValues_UnknownField_ReportsItByName()
    {
        var parsed = RecordJson.ParseValues(AllTypes, JsonNode.Parse("""{"colour": 1}"""), RecordParseMode.Write);
        Assert.Contains("'colour'", parsed.Errors["colour"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("create_date")]
    [InlineData("write_date")]
    [InlineData("display_name")]
    public void ParseValues_MagicField_IsNotWritable(string field)
    {
        var parsed = RecordJson.ParseValues(AllTypes, JsonNode.Parse($"{{\"{field}\": 1}}"), RecordParseMode.Write);
        Assert.Contains("cannot be written", parsed.Errors[field][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"x\"")]
    public void ParseValues_NotAnObject_ReportsTheBody(string json)
    {
        var parsed = RecordJson.ParseValues(AllTypes, JsonNode.Parse(json), RecordParseMode.Write);
        Assert.True(parsed.Errors.Contains(RecordJson.BodyErrorKey));
    }

    [Fact]
    public void ParseValues_SeveralBadFields_ReportsEachOne()
    {
        var parsed = RecordJson.ParseValues(AllTypes, JsonNode.Parse("""{"i": "x", "b": 1, "c": "ok"}"""), RecordParseMode.Write);
        Assert.Equal(["i", "b"], parsed.Errors.Keys);
        Assert.Equal("ok", parsed.Values["c"]);
    }
}
