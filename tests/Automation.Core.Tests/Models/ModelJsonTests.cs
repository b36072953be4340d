using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Models;

namespace Automation.Core.Tests.Models;

public sealed class ModelJsonTests
{
    private const string Thing = """
        {"name": "x_custom.thing", "description": "Thing", "rec_name": "name", "fields": {
          "name": {"type": "char", "string": "Name", "required": true, "sequence": "x_custom.thing"},
          "state": {"type": "selection", "string": "Status", "default": "new", "selection": [["new", "New"], ["done", "Done"]]},
          "parent_id": {"type": "many2one", "string": "Parent", "relation": "x_custom.thing"},
          "child_ids": {"type": "one2many", "string": "Children", "relation": "x_custom.thing", "inverse_name": "parent_id"},
          "note": {"type": "html", "string": "Note", "readonly": true}}}
        """;

    [Theory]
    [MemberData(nameof(BuiltInModelsTests.Names), MemberType = typeof(BuiltInModelsTests))]
    public void BuiltInModel_ToJsonThenParse_GivesAnEqualModel(string name)
    {
        var model = BuiltInModels.Find(name)!;

        var parsed = ModelJson.Parse(ModelJson.ToJson(model));

        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.Equal(model.Name, parsed.Model!.Name);
        Assert.Equal(model.Description, parsed.Model.Description);
        Assert.Equal(model.RecName, parsed.Model.RecName);
        Assert.Equal(model.Fields.Count, parsed.Model.Fields.Count);
        foreach (var (expected, actual) in model.Fields.Zip(parsed.Model.Fields))
        {
            Assert.Equal(ModelJson.FieldToJson(expected).ToJsonString(), ModelJson.FieldToJson(actual).ToJsonString());
            Assert.Equal(expected.Selection, actual.Selection);
            Assert.Equal((expected.Name, expected.Type, expected.Relation, expected.InverseName, expected.Sequence, expected.Required),
                (actual.Name, actual.Type, actual.Relation, actual.InverseName, actual.Sequence, actual.Required));
        }
    }

    [Fact]
    public void Parse_ApiBody_ReadsEveryAttribute()
    {
        var model = ModelJson.Parse(JsonNode.Parse(Thing)).Model!;

        Assert.Equal(("x_custom.thing", "Thing", "name"), (model.Name, model.Description, model.RecName));
        var name = model.Field("name")!;
        Assert.Equal((FieldType.Char, "Name", true, "x_custom.thing"), (name.Type, name.String, name.Required, name.Sequence));
        Assert.Equal([new("new", "New"), new SelectionOption("done", "Done")], model.Field("state")!.Selection);
        Assert.Equal("new", (string?)model.Field("state")!.Default);
        Assert.Equal(("x_custom.thing", "parent_id"), (model.Field("child_ids")!.Relation, model.Field("child_ids")!.InverseName));
        Assert.True(model.Field("note")!.Readonly);
        Assert.Empty(ModelValidator.Validate(model, BuiltInModels.Find).Keys);
    }

    [Fact]
    public void Parse_ThenToJson_KeepsTheBody()
    {
        var json = ModelJson.ToJson(ModelJson.Parse(JsonNode.Parse(Thing)).Model!);

        var reparsed = ModelJson.Parse(json);

        Assert.True(JsonNode.DeepEquals(json, ModelJson.ToJson(reparsed.Model!)));
        Assert.False((bool)json["builtin"]!);
    }

    [Fact]
    public void Parse_NameFromRoute_IsUsedWhenTheBodyHasNone()
    {
        var parsed = ModelJson.Parse(JsonNode.Parse("""{"fields": {"title": {"type": "char"}}}"""), "x_custom.note");

        Assert.Equal("x_custom.note", parsed.Model!.Name);
        Assert.Equal("id", parsed.Model.RecName);
    }

    [Theory]
    [InlineData("""{"name": "x_a.b", "fields": {}}""", "x_other.c", "name")]
    [InlineData("""{"fields": {}}""", null, "name")]
    [InlineData("""{"name": "x_a.b", "fields": []}""", null, "fields")]
    [InlineData("""{"name": "x_a.b", "colour": 1}""", null, "colour")]
    [InlineData("""{"name": "x_a.b", "fields": {"x": {"type": "string"}}}""", null, "fields.x.type")]
    [InlineData("""{"name": "x_a.b", "fields": {"x": {}}}""", null, "fields.x.type")]
    [InlineData("""{"name": "x_a.b", "fields": {"x": "char"}}""", null, "fields.x")]
    [InlineData("""{"name": "x_a.b", "fields": {"x": {"type": "char", "required": "yes"}}}""", null, "fields.x.required")]
    [InlineData("""{"name": "x_a.b", "fields": {"x": {"type": "char", "requried": true}}}""", null, "fields.x.requried")]
    [InlineData("""{"name": "x_a.b", "fields": {"x": {"type": "selection", "selection": ["a", "b"]}}}""", null, "fields.x.selection")]
    [InlineData("""{"name": "x_a.b", "fields": {"x": {"type": "char", "name": "y"}}}""", null, "fields.x.name")]
    [InlineData("""{"name": "x_a.b", "fields": {"x": {"type": "char"}, "x": {"type": "integer"}}}""", null, "fields.x")]
    [InlineData("[1]", null, "$")]
    public void Parse_MalformedBody_ReportsThePathWithoutThrowing(string json, string? routeName, string path)
    {
        var parsed = ModelJson.Parse(JsonNode.Parse(json), routeName);

        Assert.Null(parsed.Model);
        Assert.Contains(path, parsed.Errors.Keys);
    }

    [Fact]
    public void Parse_LoneSurrogate_IsABodyErrorNotAnException()
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes("{\"name\": \"x_a.b\", \"description\": \"\\uD800\"}"));

        var parsed = ModelJson.Parse(document.RootElement);

        Assert.Contains("$", parsed.Errors.Keys);
    }
}
