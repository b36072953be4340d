using System.Text.Json.Nodes;
using Automation.Core.Records;
using static Automation.Core.Tests.Records.TestModels;

namespace Automation.Core.Tests.Records;

public sealed class ChangedFieldsTests
{
    /// <summary>"absent" means the field is not in the dictionary at all; anything else is record JSON.</summary>
    private static Dictionary<string, object?> Values(string field, string json)
    {
        if (json == "absent")
        {
            return [];
        }

        var parsed = RecordJson.ParseValues(AllTypes, JsonNode.Parse($"{{\"{field}\": {json}}}"), RecordParseMode.Write);
        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        return new Dictionary<string, object?>(parsed.Values);
    }

    [Theory]
    [InlineData("c", "absent", "null", false)]
    [InlineData("c", "absent", "\"\"", false)]
    [InlineData("c", "\"a\"", "\"a\"", false)]
    [InlineData("c", "\"a\"", "\"A\"", true)]
    [InlineData("t", "absent", "\"x\"", true)]
    [InlineData("h", "\"<p>a</p>\"", "\"<p>b</p>\"", true)]
    [InlineData("s", "absent", "false", false)]
    [InlineData("s", "\"a\"", "\"b\"", true)]
    [InlineData("i", "absent", "0", false)]
    [InlineData("i", "1", "2", true)]
    [InlineData("i", "absent", "1", true)]
    [InlineData("f", "absent", "0.0", false)]
    [InlineData("f", "1.5", "1.5", false)]
    [InlineData("f", "1.5", "1.25", true)]
    [InlineData("m", "absent", "0", false)]
    [InlineData("m", "10", "10.01", true)]
    [InlineData("b", "absent", "false", false)]
    [InlineData("b", "false", "true", true)]
    [InlineData("d", "absent", "null", false)]
    [InlineData("d", "\"2026-11-22\"", "\"2026-11-22\"", false)]
    [InlineData("d", "\"2026-11-22\"", "\"2026-11-23\"", true)]
    [InlineData("dt", "\"2026-11-22 09:00:00\"", "\"2026-11-22T10:00:00+01:00\"", false)]
    [InlineData("dt", "\"2026-11-22T09:00:00Z\"", "\"2026-11-22T09:00:01Z\"", true)]
    [InlineData("dt", "absent", "\"2026-11-22T09:00:00Z\"", true)]
    [InlineData("m2o", "absent", "false", false)]
    [InlineData("m2o", "1", "1", false)]
    [InlineData("m2o", "1", "2", true)]
    [InlineData("m2o", "1", "null", true)]
    [InlineData("m2m", "absent", "[]", false)]
    [InlineData("m2m", "[1, 2]", "[2, 1]", false)]
    [InlineData("m2m", "[1]", "[1, 2]", true)]
    [InlineData("m2m", "[1, 2]", "false", true)]
    [InlineData("j", "absent", "null", false)]
    [InlineData("j", "{\"a\": 1, \"b\": [1, 2]}", "{\"b\": [1, 2], \"a\": 1}", false)]
    [InlineData("j", "{\"a\": 1}", "{\"a\": 2}", true)]
    [InlineData("j", "[1, 2]", "[2, 1]", true)]
    public void ChangedFields_ComparesWithEmptyValueEquivalence(string field, string before, string after, bool changed)
    {
        var result = RecordJson.ChangedFields(AllTypes, Values(field, before), Values(field, after));

        Assert.Equal(changed ? [field] : [], result);
    }

    [Fact]
    public void ChangedFields_ListsEveryChangedFieldInDeclarationOrder()
    {
        var before = new Dictionary<string, object?> { ["i"] = 1L, ["c"] = "x", ["b"] = true };
        var after = new Dictionary<string, object?> { ["c"] = "y", ["i"] = 2L, ["b"] = true, ["f"] = 0.0 };

        Assert.Equal(["c", "i"], RecordJson.ChangedFields(AllTypes, before, after));
    }

    [Fact]
    public void ChangedFields_SameNumberAsIntAndLong_IsUnchanged()
    {
        var before = new Dictionary<string, object?> { ["i"] = 5, ["m2o"] = 3 };
        var after = new Dictionary<string, object?> { ["i"] = 5L, ["m2o"] = 3L };

        Assert.Empty(RecordJson.ChangedFields(AllTypes, before, after));
    }
}
