using Automation.Core.Models;

namespace Automation.Core.Tests.Models;

public sealed class BuiltInModelsTests
{
    public static TheoryData<string> Names => [.. BuiltInModels.All.Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void BuiltInModel_PassesModelValidator(string name)
    {
        var errors = ModelValidator.Validate(BuiltInModels.Find(name)!, BuiltInModels.Find);

        Assert.True(errors.IsEmpty, errors.ToString());
    }

    [Fact]
    public void All_ContainsTheEngineModelsAndTheStarterModel()
    {
        string[] expected =
        [
            "res.users", "res.groups", "res.partner", "res.partner.category", "res.currency", "res.country", "mail.message", "mail.activity",
            "mail.activity.type", "mail.followers", "mail.template", "sms.template", "whatsapp.template", "ir.sequence", "ir.sequence.date_range", "crm.tag",
            "sale.order", "resource.calendar", "resource.calendar.attendance", "resource.calendar.leaves",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), BuiltInModels.All.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.All(BuiltInModels.All, m => Assert.True(m.BuiltIn));
    }

    [Fact]
    public void SaleOrder_NameIsDrawnFromTheSaleOrderSequence()
    {
        Assert.Equal("sale.order", BuiltInModels.Find("sale.order")!.Field("name")!.Sequence);
    }

    [Fact]
    public void SaleOrder_StateHasOdoosKeysLabelsAndDefault()
    {
        var state = BuiltInModels.Find("sale.order")!.Field("state")!;

        Assert.Equal(
            [new("draft", "Quotation"), new("sent", "Quotation Sent"), new("sale", "Sales Order"), new SelectionOption("cancel", "Cancelled")],
            state.Selection);
        Assert.Equal("draft", (string?)state.Default);
    }

    [Fact]
    public void Find_UnknownName_ReturnsNull() => Assert.Null(BuiltInModels.Find("x_custom.thing"));
}
