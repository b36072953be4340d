using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Tests.Records;

/// <summary>A model with one field of every type, relating to itself, and helpers to parse one field's value.</summary>
internal static class TestModels
{
    public static readonly ModelDefinition AllTypes = new("x_test.all",
    [
        new FieldDefinition { Name = "name", Type = FieldType.Char },
        new FieldDefinition { Name = "c", Type = FieldType.Char },
        new FieldDefinition { Name = "t", Type = FieldType.Text },
        new FieldDefinition { Name = "h", Type = FieldType.Html },
        new FieldDefinition { Name = "i", Type = FieldType.Integer },
        new FieldDefinition { Name = "f", Type = FieldType.Float },
        new FieldDefinition { Name = "m", Type = FieldType.Monetary },
        new FieldDefinition { Name = "b", Type = FieldType.Boolean },
        new FieldDefinition { Name = "d", Type = FieldType.Date },
        new FieldDefinition { Name = "dt", Type = FieldType.Datetime },
        new FieldDefinition
        {
            Name = "s", Type = FieldType.Selection, String = "State",
            Selection = [new SelectionOption("a", "Alpha"), new SelectionOption("b", "Beta")],
        },
        new FieldDefinition { Name = "m2o", Type = FieldType.Many2one, Relation = "x_test.all" },
        new FieldDefinition { Name = "o2m", Type = FieldType.One2many, Relation = "x_test.all", InverseName = "m2o" },
        new FieldDefinition { Name = "m2m", Type = FieldType.Many2many, Relation = "x_test.all" },
        new FieldDefinition { Name = "j", Type = FieldType.Json },
    ]);

    /// <summary>Parses <c>{"field": json}</c> as a write.</summary>
    public static ParsedValues ParseOne(string field, string json) =>
        RecordJson.ParseValues(AllTypes, JsonNode.Parse($"{{\"{field}\": {json}}}"), RecordParseMode.Write);
}
