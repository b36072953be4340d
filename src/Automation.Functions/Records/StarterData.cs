using System.Text.Json.Nodes;
using Automation.Core.Demo;
using Automation.Core.Events;
using Automation.Core.Records;
using Automation.Functions.Hosting;
using Automation.Storage.Records;

namespace Automation.Functions.Records;

/// <summary>
/// Data the engine starts with. Always: the <c>ir.sequence</c> that names sales orders (S00001…), as Odoo ships it.
/// When <c>Automation:DemoData</c> is on (default: the standalone quick start in Development) and the store is
/// empty: the demo records (currencies, contacts, users, a dozen sales orders with ids 1…12, sale order 7 in EUR)
/// the Odoo documentation's examples run against. A second start finds them and adds nothing.
/// </summary>
public sealed class StarterData(
    RecordService records,
    SequenceNumbers sequences,
    IConfiguration configuration,
    IHostEnvironment environment,
    ActiveHostingMode mode,
    ILogger<StarterData> logger) : IStartupTask
{
    public const string DemoDataSetting = "Automation:DemoData";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var context = ChangeContext.External();
        if (configuration.GetValue(DemoDataSetting, mode.Mode == HostingMode.Standalone && environment.IsDevelopment()) &&
            await IsEmptyAsync(cancellationToken))
        {
            foreach (var demo in DemoData.Records)
            {
                var model = await records.ModelAsync(demo.Model, cancellationToken);
                var parsed = RecordJson.ParseValues(model, demo.Values, RecordParseMode.Create);
                if (!parsed.IsValid)
                {
                    throw new InvalidOperationException($"Demo record {demo.Model} {demo.Id} is invalid: {parsed.Errors}");
                }

                await records.Store.CreateAsync(model, RecordJson.ApplyDefaults(model, parsed.Values), context, cancellationToken, demo.Id);
            }

            logger.LogInformation("Loaded {Count} demo records (sale orders 1…12; sale order 7 is in EUR)", DemoData.Records.Count);
        }

        if (await sequences.NextAsync(SequenceNumbers.SaleOrderCode, cancellationToken, peek: true) is null)
        {
            var sequence = await records.ModelAsync(SequenceNumbers.Model, cancellationToken);
            await records.CreateAsync(sequence, JsonNode.Parse("""
                {"name": "Sales Order", "code": "sale.order", "prefix": "S", "padding": 5, "number_next": 1, "number_increment": 1,
                 "implementation": "standard"}
                """), context, cancellationToken);
        }
    }

    private async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        foreach (var name in DemoData.Records.Select(r => r.Model).Distinct())
        {
            var model = await records.ModelAsync(name, cancellationToken);
            if ((await records.Store.ListAsync(model, null, 1, null, cancellationToken)).Records.Count > 0)
            {
                return false;
            }
        }

        return true;
    }
}
