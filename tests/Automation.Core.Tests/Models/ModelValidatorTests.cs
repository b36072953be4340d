using System.Text.Json.Nodes;
using Automation.Core.Models;

namespace Automation.Core.Tests.Models;

public sealed class ModelValidatorTests
{
    private static FieldDefinition Char(string name) => new() { Name = name, Type = FieldType.Char };

    private static ModelDefinition Model(params FieldDefinition[] fields) => new("x_custom.thing", [Char("name"), .. fields]);

    private static IReadOnlyList<string> ErrorKeys(ModelDefinition model) =>
        [.. ModelValidator.Validate(model, BuiltInModels.Find).Keys];

    [Fact]
    public void Validate_ValidCustomModel_HasNoErrors()
    {
        var model = Model(
            new FieldDefinition { Name = "partner_id", Type = FieldType.Many2one, Relation = "res.partner" },
            new FieldDefinition { Name = "parent_id", Type = FieldType.Many2one, Relation = "x_custom.thing" },
            new FieldDefinition { Name = "child_ids", Type = FieldType.One2many, Relation = "x_custom.thing", InverseName = "parent_id" },
            new FieldDefinition { Name = "tag_ids", Type = FieldType.Many2many, Relation = "crm.tag", Default = new JsonArray(1, 2) },
            new FieldDefinition
            {
                Name = "state",
                Type = FieldType.Selection,
                Default = "new",
                Selection = [new SelectionOption("new", "New"), new SelectionOption("done", "Done")],
            },
            new FieldDefinition { Name = "code", Type = FieldType.Char, Sequence = "x_custom.thing" },
            new FieldDefinition { Name = "active", Type = FieldType.Boolean, Default = true });

        Assert.Empty(ErrorKeys(model));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("X_Custom.Thing")]
    [InlineData("x custom")]
    [InlineData("1x.thing")]
    [InlineData(".x")]
    [InlineData("x..thing")]
    [InlineData("x.thing.")]
    [InlineData("x-thing")]
    public void Validate_BadModelName_ReportsName(string name) =>
        Assert.Equal(["name"], ErrorKeys(new ModelDefinition(name, [Char("name")])));

    [Fact]
    public void Validate_ModelNameOver64Characters_ReportsName() =>
        Assert.Equal(["name"], ErrorKeys(new ModelDefinition("x." + new string('a', 63), [Char("name")])));

    [Fact]
    public void Validate_CustomModelNamedLikeBuiltIn_ReportsName() =>
        Assert.Equal(["name"], ErrorKeys(new ModelDefinition("res.partner", [Char("name")])));

    [Theory]
    [InlineData("Name")]
    [InlineData("1st")]
    [InlineData("_x")]
    [InlineData("x-y")]
    [InlineData("id")]
    [InlineData("create_date")]
    [InlineData("write_date")]
    [InlineData("display_name")]
    public void Validate_BadOrMagicFieldName_ReportsTheField(string name) =>
        Assert.Equal([$"fields.{name}"], ErrorKeys(Model(Char(name))));

    [Fact]
    public void Validate_FieldNameOf64Characters_ReportsTheField()
    {
        var name = "a" + new string('b', 63);
        Assert.Equal([$"fields.{name}"], ErrorKeys(Model(Char(name))));
    }

    [Fact]
    public void Validate_UndefinedType_ReportsType() =>
        Assert.Equal(["fields.x.type"], ErrorKeys(Model(new FieldDefinition { Name = "x", Type = (FieldType)99 })));

    [Theory]
    [InlineData(FieldType.Many2one)]
    [InlineData(FieldType.Many2many)]
    [InlineData(FieldType.One2many)]
    public void Validate_RelationalFieldWithoutRelation_ReportsRelation(FieldType type) =>
        Assert.Equal(["fields.x.relation"], ErrorKeys(Model(new FieldDefinition { Name = "x", Type = type })));

    [Fact]
    public void Validate_RelationToUnknownModel_ReportsRelation() =>
        Assert.Equal(["fields.partner_id.relation"],
            ErrorKeys(Model(new FieldDefinition { Name = "partner_id", Type = FieldType.Many2one, Relation = "res.nothing" })));

    [Fact]
    public void Validate_RelationOnNonRelationalField_ReportsRelation() =>
        Assert.Equal(["fields.x.relation"], ErrorKeys(Model(Char("x") with { Relation = "res.partner" })));

    [Fact]
    public void Validate_One2manyWithoutInverseName_ReportsInverseName() =>
        Assert.Equal(["fields.line_ids.inverse_name"],
            ErrorKeys(Model(new FieldDefinition { Name = "line_ids", Type = FieldType.One2many, Relation = "res.partner" })));

    [Theory]
    [InlineData("email")] // not a many2one
    [InlineData("parent_id")] // a many2one, but to res.partner rather than back to x_custom.thing
    [InlineData("missing")]
    public void Validate_One2manyInverseNotAMany2oneBack_ReportsInverseName(string inverse) =>
        Assert.Equal(["fields.line_ids.inverse_name"],
            ErrorKeys(Model(new FieldDefinition { Name = "line_ids", Type = FieldType.One2many, Relation = "res.partner", InverseName = inverse })));

    [Fact]
    public void Validate_SelectionWithoutOptions_ReportsSelection() =>
        Assert.Equal(["fields.s.selection"], ErrorKeys(Model(new FieldDefinition { Name = "s", Type = FieldType.Selection })));

    [Fact]
    public void Validate_SelectionWithDuplicateKeys_ReportsSelection() =>
        Assert.Equal(["fields.s.selection"], ErrorKeys(Model(new FieldDefinition
        {
            Name = "s",
            Type = FieldType.Selection,
            Selection = [new SelectionOption("a", "A"), new SelectionOption("a", "Again")],
        })));

    [Fact]
    public void Validate_SelectionDefaultNotAKey_ReportsDefault() =>
        Assert.Equal(["fields.s.default"], ErrorKeys(Model(new FieldDefinition
        {
            Name = "s",
            Type = FieldType.Selection,
            Selection = [new SelectionOption("a", "A")],
            Default = "b",
        })));

    [Theory]
    [InlineData(FieldType.Integer, "\"5\"")]
    [InlineData(FieldType.Boolean, "1")]
    [InlineData(FieldType.Date, "\"22/11/2026\"")]
    [InlineData(FieldType.Char, "5")]
    [InlineData(FieldType.Float, "\"1.5\"")]
    public void Validate_DefaultOfWrongType_ReportsDefault(FieldType type, string json) =>
        Assert.Equal(["fields.x.default"], ErrorKeys(Model(new FieldDefinition { Name = "x", Type = type, Default = JsonNode.Parse(json) })));

    [Fact]
    public void Validate_RecNameNotAField_ReportsRecName() =>
        Assert.Equal(["rec_name"], ErrorKeys(new ModelDefinition("x_custom.thing", [Char("title")], recName: "name")));

    [Fact]
    public void Validate_RecNameId_IsAllowedWithoutAField() =>
        Assert.Empty(ErrorKeys(new ModelDefinition("x_custom.thing", [Char("title")], recName: "id")));

    [Fact]
    public void Validate_MoreThan200Fields_ReportsFields()
    {
        var fields = Enumerable.Range(1, 200).Select(i => Char($"f{i}")).ToArray();

        Assert.Equal(["fields"], ErrorKeys(Model(fields)));
    }

    [Fact]
    public void Validate_Exactly200Fields_IsAllowed()
    {
        var fields = Enumerable.Range(1, 199).Select(i => Char($"f{i}")).ToArray();

        Assert.Empty(ErrorKeys(Model(fields)));
    }

    [Fact]
    public void Validate_ActiveNotBoolean_ReportsActiveType() =>
        Assert.Equal(["fields.active.type"], ErrorKeys(Model(Char("active"))));

    [Fact]
    public void Validate_SequenceOnNonCharField_ReportsSequence() =>
        Assert.Equal(["fields.n.sequence"],
            ErrorKeys(Model(new FieldDefinition { Name = "n", Type = FieldType.Integer, Sequence = "x" })));
}
