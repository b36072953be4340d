using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;
using static Automation.Core.Tests.Records.TestModels;

namespace Automation.Core.Tests.Records;

public sealed class RecordJsonOutputTests
{
    private static readonly DateTime Created = new(2026, 11, 22, 9, 0, 0, DateTimeKind.Utc);

    private static RecordData Record(IReadOnlyDictionary<string, object?> values) =>
        new(AllTypes.Name, 7, values) { CreateDate = Created, WriteDate = Created.AddMinutes(5) };

    private const string FullRecord = """
        {"name": "Rec", "c": "é", "t": "x\ny", "h": "<b>b</b>", "i": -3, "f": 2.5, "m": 10.25, "b": true, "d": "2026-02-28",
         "dt": "2026-11-22T09:00:00Z", "s": "b", "m2o": 4, "m2m": [3, 1], "j": {"k": [1, null]}}
        """;

    [Fact]
    public void ToJson_ThenParseValues_GivesBackTheSameValues()
    {
        var parsed = RecordJson.ParseValues(AllTypes, JsonNode.Parse(FullRecord), RecordParseMode.Create);
        Assert.True(parsed.IsValid, parsed.Errors.ToString());

        var json = RecordJson.ToJson(AllTypes, Record(parsed.Values));
        foreach (var magic in new[] { "id", "create_date", "write_date", "display_name", "o2m" })
        {
            json.Remove(magic);
        }

        var reparsed = RecordJson.ParseValues(AllTypes, json, RecordParseMode.Write);
        Assert.True(reparsed.IsValid, reparsed.Errors.ToString());
        Assert.Empty(RecordJson.ChangedFields(AllTypes, parsed.Values, reparsed.Values));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(FullRecord), json), json.ToJsonString());
    }

    [Fact]
    public void ToJson_AbsentFields_AreOdooEmptyValues()
    {
        var json = RecordJson.ToJson(AllTypes, Record(new Dictionary<string, object?>()));

        var expected = JsonNode.Parse("""
            {"id": 7, "name": null, "c": null, "t": null, "h": null, "i": 0, "f": 0, "m": 0, "b": false, "d": null, "dt": null,
             "s": null, "m2o": null, "o2m": [], "m2m": [], "j": null, "create_date": "2026-11-22T09:00:00Z",
             "write_date": "2026-11-22T09:05:00Z", "display_name": "x_test.all,7"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, json), json.ToJsonString());
    }

    [Fact]
    public void ToJson_KeysFollowIdThenDeclarationOrderThenDates()
    {
        var json = RecordJson.ToJson(AllTypes, Record(new Dictionary<string, object?>()));

        Assert.Equal(["id", .. AllTypes.Fields.Select(f => f.Name), "create_date", "write_date", "display_name"],
            json.Select(p => p.Key));
    }

    [Fact]
    public void ToJson_WithFieldList_ReturnsIdAndOnlyThoseFields()
    {
        var json = RecordJson.ToJson(AllTypes, Record(new Dictionary<string, object?> { ["i"] = 5L }), ["i", "write_date"]);

        Assert.Equal(["id", "i", "write_date"], json.Select(p => p.Key));
    }

    [Fact]
    public void ToJson_One2manyValues_ComeFromTheCaller()
    {
        var json = RecordJson.ToJson(AllTypes, Record(new Dictionary<string, object?>()),
            one2many: new Dictionary<string, IReadOnlyList<long>> { ["o2m"] = [8, 9] });

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[8, 9]"), json["o2m"]));
    }

    [Fact]
    public void ToJson_DisplayName_IsRecNameUnlessTheCallerGivesOne()
    {
        var record = Record(new Dictionary<string, object?> { ["name"] = "Rec" });

        Assert.Equal("Rec", (string?)RecordJson.ToJson(AllTypes, record)["display_name"]);
        Assert.Equal("Other", (string?)RecordJson.ToJson(AllTypes, record, displayName: "Other")["display_name"]);
    }

    [Fact]
    public void DefaultDisplayName_NonTextRecName_IsItsApiText()
    {
        var model = new ModelDefinition("x_test.dated",
            [new FieldDefinition { Name = "day", Type = FieldType.Date }], recName: "day");
        var record = new RecordData(model.Name, 3, new Dictionary<string, object?> { ["day"] = new DateOnly(2026, 11, 22) });

        Assert.Equal("2026-11-22", RecordJson.DefaultDisplayName(model, record));
    }

    [Fact]
    public void DefaultDisplayName_Many2oneRecName_FallsBackToModelAndId()
    {
        var followers = BuiltInModels.Find("mail.followers")!;
        var record = new RecordData(followers.Name, 4, new Dictionary<string, object?> { ["partner_id"] = 9L });

        Assert.Equal("mail.followers,4", RecordJson.DefaultDisplayName(followers, record));
    }

    [Fact]
    public void UnknownFields_ListsNamesThatAreNeitherFieldsNorMagic()
    {
        Assert.Equal(["nope"], RecordJson.UnknownFields(AllTypes, ["i", "id", "display_name", "nope"]));
    }
}
