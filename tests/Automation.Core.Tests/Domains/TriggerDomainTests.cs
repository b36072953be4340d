using Automation.Core.Domains;
using Automation.Core.Models;

namespace Automation.Core.Tests.Domains;

/// <summary>Spec §1.3: the domains "values updated" triggers generate, and trigger-field maintenance.</summary>
public sealed class TriggerDomainTests
{
    private static readonly ModelDefinition Task = new("x_task",
    [
        new FieldDefinition { Name = "name", Type = FieldType.Char },
        new FieldDefinition { Name = "stage_id", Type = FieldType.Many2one, Relation = "x_stage" },
        new FieldDefinition { Name = "x_studio_tag_ids", Type = FieldType.Many2many, Relation = "x_tag" },
        new FieldDefinition { Name = "state", Type = FieldType.Selection },
        new FieldDefinition { Name = "priority", Type = FieldType.Selection },
        new FieldDefinition { Name = "user_ids", Type = FieldType.Many2many, Relation = "res.users" },
        new FieldDefinition { Name = "active", Type = FieldType.Boolean },
    ]);

    [Theory]
    [InlineData("on_stage_set", null, 7L, "stage_id", "[('stage_id', '=', 7)]", "")]
    [InlineData("on_stage_set", null, null, "stage_id", "", "")]
    [InlineData("on_tag_set", null, 3L, "x_studio_tag_ids", "[('x_studio_tag_ids', 'in', [3])]", "[('x_studio_tag_ids', 'not in', [3])]")]
    [InlineData("on_state_set", "done", null, "state", "[('state', '=', 'done')]", "")]
    [InlineData("on_priority_set", "1", null, "priority", "[('priority', '=', '1')]", "")]
    [InlineData("on_user_set", null, null, "user_ids", "[('user_ids', '!=', False)]", "")]
    [InlineData("on_archive", null, null, "active", "[('active', '=', False)]", "")]
    [InlineData("on_unarchive", null, null, "active", "[('active', '=', True)]", "")]
    public void ValuesUpdatedTrigger_GeneratesSpecDomains(string trigger, string? value, long? reference, string field, string domain, string pre)
    {
        var set = TriggerDomains.For(Task, trigger, value, reference)!;

        Assert.Equal((IReadOnlyList<string>)[field], set.TriggerFields);
        Assert.Equal(domain, set.FilterDomain);
        Assert.Equal(pre, set.FilterPreDomain);
    }

    [Fact]
    public void GeneratedDomains_ParseAndCompile()
    {
        var set = TriggerDomains.For(Task, "on_tag_set", reference: 3)!;

        var compiled = DomainCompiler.Compile(Task, Domain.Parse(set.FilterPreDomain), _ => new ModelDefinition("x_tag", []));

        Assert.True(compiled.Matches(new Core.Records.RecordData("x_task", 1, new Dictionary<string, object?>())));
    }

    [Fact]
    public void TriggerWithoutItsField_GeneratesNothing()
    {
        Assert.Null(TriggerDomains.For(new ModelDefinition("x_plain", []), "on_state_set", "done"));
    }

    [Fact]
    public void FieldsInText_AreFirstPathSegmentsOfKnownFields()
    {
        var fields = TriggerDomains.FieldsInText(Task, "['|', ('stage_id.name', '=', 'x'), (\"state\", '=', 'done'), ('nope', '=', 1)]");

        Assert.Equal(["stage_id", "state"], fields);
    }

    [Fact]
    public void MaintainTriggerFields_AddsNewRemovesGoneKeepsManual()
    {
        var fields = TriggerDomains.MaintainTriggerFields(Task, "[('state', '=', 'done')]", "[('priority', '=', '1')]", ["state", "name"]);

        Assert.Equal(["name", "priority"], fields);
    }
}
