using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Tests.Records;

public sealed class RecordJsonCreateTests
{
    private static readonly ModelDefinition SaleOrder = BuiltInModels.Find("sale.order")!;

    private static ParsedValues Create(string json) => RecordJson.ParseValues(SaleOrder, JsonNode.Parse(json), RecordParseMode.Create);

    [Fact]
    public void Create_WithoutRequiredField_ReportsItWithItsLabel()
    {
        var parsed = Create("{}");

        Assert.Equal("Missing required value for the field 'Customer' (partner_id).", Assert.Single(parsed.Errors["partner_id"]));
    }

    [Fact]
    public void Create_RequiredFieldGivenFalse_IsMissing()
    {
        var parsed = Create("""{"partner_id": false}""");

        Assert.True(parsed.Errors.Contains("partner_id"));
    }

    [Fact]
    public void Create_SequenceFieldLeftEmpty_IsNotReportedMissing()
    {
        var parsed = Create("""{"partner_id": 3}""");

        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.DoesNotContain("name", parsed.Values.Keys);
    }

    [Fact]
    public void Create_FieldWithDefault_GetsTheDefault()
    {
        var parsed = Create("""{"partner_id": 3}""");

        Assert.Equal("draft", parsed.Values["state"]);
    }

    [Fact]
    public void Create_GivenValue_WinsOverDefault()
    {
        var parsed = Create("""{"partner_id": 3, "state": "sale"}""");

        Assert.Equal("sale", parsed.Values["state"]);
    }

    [Fact]
    public void Create_FieldsWithoutDefault_AreNotMaterialized()
    {
        var parsed = Create("""{"partner_id": 3}""");

        Assert.Equal(["partner_id", "state"], parsed.Values.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Create_RequiredFieldSatisfiedByDefault_IsValid()
    {
        var model = new ModelDefinition("x_test.required", [
            new FieldDefinition { Name = "name", Type = FieldType.Char, Required = true, Default = "Unnamed" },
        ]);

        var parsed = RecordJson.ParseValues(model, new JsonObject(), RecordParseMode.Create);

        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.Equal("Unnamed", parsed.Values["name"]);
    }

    [Fact]
    public void Write_DoesNotApplyDefaultsOrRequireAbsentFields()
    {
        var parsed = RecordJson.ParseValues(SaleOrder, JsonNode.Parse("""{"amount_total": 5}"""), RecordParseMode.Write);

        Assert.True(parsed.IsValid, parsed.Errors.ToString());
        Assert.Equal(["amount_total"], parsed.Values.Keys);
    }

    [Theory]
    [InlineData("""{"partner_id": false}""", "partner_id")]
    [InlineData("""{"name": ""}""", "name")]
    public void Write_EmptyingRequiredField_IsRejected(string json, string field)
    {
        var parsed = RecordJson.ParseValues(SaleOrder, JsonNode.Parse(json), RecordParseMode.Write);

        Assert.StartsWith("Missing required value", Assert.Single(parsed.Errors[field]), StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyDefaults_KeepsGivenValuesAndAddsConstantDefaults()
    {
        var values = RecordJson.ApplyDefaults(BuiltInModels.Find("ir.sequence")!, new Dictionary<string, object?> { ["padding"] = 5L });

        Assert.Equal(5L, values["padding"]);
        Assert.Equal(1L, values["number_next"]);
        Assert.Equal("standard", values["implementation"]);
        Assert.Equal(true, values["active"]);
        Assert.DoesNotContain("prefix", values.Keys);
    }
}
