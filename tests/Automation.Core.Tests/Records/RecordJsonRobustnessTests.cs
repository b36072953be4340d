using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Records;
using static Automation.Core.Tests.Records.TestModels;

namespace Automation.Core.Tests.Records;

public sealed class RecordJsonRobustnessTests
{
    [Fact]
    public void ParseValues_LoneSurrogateInText_IsAFieldErrorNotAnException()
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes("{\"c\": \"a\\uD800b\"}"));

        var parsed = RecordJson.ParseValues(AllTypes, document.RootElement, RecordParseMode.Write);

        Assert.True(parsed.Errors.Contains("c"), parsed.Errors.ToString());
    }

    [Fact]
    public void ParseValues_LoneSurrogateInSelection_IsAFieldErrorNotAnException()
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes("{\"s\": \"\\uDC00\"}"));

        var parsed = RecordJson.ParseValues(AllTypes, document.RootElement, RecordParseMode.Write);

        Assert.True(parsed.Errors.Contains("s"), parsed.Errors.ToString());
    }

    [Fact]
    public void ParseValues_DeeplyNestedJsonNode_IsAFieldErrorNotAnException()
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < 200; i++)
        {
            node = new JsonArray(node);
        }

        var parsed = RecordJson.ParseValues(AllTypes, new JsonObject { ["j"] = node }, RecordParseMode.Write);

        Assert.False(parsed.IsValid);
    }

    [Theory]
    [InlineData("\"2026-11-22T10:00:00+0100\"")]
    [InlineData("\"2026-11-22t09:00:00z\"")]
    [InlineData("\"2026-11-22 09:00:00.123456\"")]
    public void Datetime_OtherCommonUtcForms_AreAccepted(string json)
    {
        var parsed = ParseOne("dt", json);

        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.Equal(new DateTime(2026, 11, 22, 9, 0, 0, DateTimeKind.Utc), parsed.Values["dt"]);
    }

    [Fact]
    public void Datetime_OffsetThatLeavesTheCalendar_IsRejected() =>
        Assert.False(ParseOne("dt", "\"9999-12-31T23:00:00-05:00\"").IsValid);

    [Fact]
    public void Many2many_SetCommandOverTheItemLimit_IsRejected()
    {
        var ids = string.Join(",", Enumerable.Range(1, RecordJson.MaxX2ManyItems + 1));

        Assert.False(ParseOne("m2m", $"[[6, 0, [{ids}]]]").IsValid);
    }
}
