using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Demo;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Tests.Demo;

public sealed class DemoDataTests
{
    // Demo values are JSON numbers however they were written (int or long), so read them as JSON.
    private static long Long(JsonNode? node) => long.Parse(node!.ToJsonString(), CultureInfo.InvariantCulture);

    private static ParsedValues Parse(DemoRecord record) =>
        RecordJson.ParseValues(BuiltInModels.Find(record.Model)!, record.Values, RecordParseMode.Create);

    [Fact]
    public void EveryDemoRecord_IsValidForItsModel()
    {
        foreach (var record in DemoData.Records)
        {
            Assert.NotNull(BuiltInModels.Find(record.Model));
            var parsed = Parse(record);
            Assert.True(parsed.IsValid, $"{record.Model} {record.Id}: {parsed.Errors}");
        }
    }

    [Fact]
    public void DemoIds_AreOneToNInCreationOrderPerModel()
    {
        foreach (var group in DemoData.Records.GroupBy(r => r.Model))
        {
            Assert.Equal(Enumerable.Range(1, group.Count()).Select(i => (long)i), group.Select(r => r.Id));
        }
    }

    [Fact]
    public void EveryDemoRelation_PointsToARecordCreatedEarlier()
    {
        var created = new HashSet<(string, long)>();
        foreach (var record in DemoData.Records)
        {
            var model = BuiltInModels.Find(record.Model)!;
            foreach (var (name, value) in Parse(record).Values)
            {
                var field = model.Field(name)!;
                IEnumerable<long> ids = value switch
                {
                    long id when field.Type == FieldType.Many2one => [id],
                    IReadOnlyList<long> list => list,
                    _ => [],
                };
                Assert.All(ids, id => Assert.Contains((field.Relation!, id), created));
            }

            created.Add((record.Model, record.Id));
        }
    }

    [Fact]
    public void SaleOrders_AreTwelveNamedFromTheSequence()
    {
        var orders = DemoData.Records.Where(r => r.Model == "sale.order").ToList();

        Assert.Equal(12, orders.Count);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"S{i:00000}"), orders.Select(o => (string?)o.Values["name"]));
        var sequence = Assert.Single(DemoData.Records, r => r.Model == "ir.sequence" && (string?)r.Values["code"] == "sale.order");
        Assert.Equal(("S", 5L, 13L), ((string?)sequence.Values["prefix"], Long(sequence.Values["padding"]), Long(sequence.Values["number_next"])));
    }

    [Fact]
    public void SaleOrder7_IsInEuro()
    {
        var order = Assert.Single(DemoData.Records, r => r.Model == "sale.order" && r.Id == 7);
        var currency = Assert.Single(DemoData.Records, r => r.Model == "res.currency" && r.Id == Long(order.Values["currency_id"]));

        Assert.Equal("EUR", (string?)currency.Values["name"]);
        Assert.Equal(2L, Long(order.Values["currency_id"]));
    }

    [Fact]
    public void Currencies_AreUsdThenEuro()
    {
        var currencies = DemoData.Records.Where(r => r.Model == "res.currency").Select(r => ((string?)r.Values["name"], (string?)r.Values["symbol"]));

        Assert.Equal([("USD", "$"), ("EUR", "€")], currencies);
    }

    [Fact]
    public void Administrator_IsUser1WithLoginAdminAndPartnerMitchellAdmin()
    {
        var admin = Assert.Single(DemoData.Records, r => r.Model == "res.users" && r.Id == 1);
        var partner = Assert.Single(DemoData.Records, r => r.Model == "res.partner" && r.Id == Long(admin.Values["partner_id"]));

        Assert.Equal(("Administrator", "admin"), ((string?)admin.Values["name"], (string?)admin.Values["login"]));
        Assert.Equal("Mitchell Admin", (string?)partner.Values["name"]);
    }

    [Fact]
    public void ActivityTypes_AreOdoosDefaults()
    {
        var names = DemoData.Records.Where(r => r.Model == "mail.activity.type").Select(r => (string?)r.Values["name"]);

        Assert.Equal(["Email", "Call", "Meeting", "To-Do", "Upload Document"], names);
    }
}
