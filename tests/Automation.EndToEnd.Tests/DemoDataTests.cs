using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Automation.Storage.Emulator;
using Automation.Testing;

namespace Automation.EndToEnd.Tests;

/// <summary>Issue #4: demo data appears after the first quick-start run; a second run does not duplicate it.</summary>
public sealed class DemoDataTests
{
    private const string Key = "demo-admin-key-0123456789abcdef";

    [Fact]
    public async Task FirstRunLoadsDemoData_SecondRunAddsNothing()
    {
        // An empty store of this test's own: demo data only loads into an empty store.
        var location = Path.Combine(Path.GetTempPath(), "automation-demo-" + Guid.NewGuid().ToString("N"));
        await using var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location });
        var connection = azurite.ConnectionString;

        var first = await RunAndReadAsync(connection);
        var second = await RunAndReadAsync(connection);

        Assert.Equal(12, first.Orders);
        Assert.Equal("S00007", first.Order7Name);
        Assert.Equal("EUR", first.Order7Currency);
        Assert.Equal(first, second);
    }

    private static async Task<Snapshot> RunAndReadAsync(string connection)
    {
        var port = AppProcess.FreePort();
        await using var app = AppProcess.Start(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            ["Automation__DemoData"] = "true",
            ["Automation__BootstrapAdminKey"] = Key,
        }, ["--urls", $"http://127.0.0.1:{port}"]);
        await app.WaitForHealthyAsync($"http://127.0.0.1:{port}/api/health", TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        var orders = JsonNode.Parse(await http.GetStringAsync("/api/records/sale.order?limit=1000&fields=name"))!["records"]!.AsArray();
        var partners = JsonNode.Parse(await http.GetStringAsync("/api/records/res.partner?limit=1000&fields=name"))!["records"]!.AsArray();
        var order7 = JsonNode.Parse(await http.GetStringAsync("/api/records/sale.order/7"))!;
        var currency = JsonNode.Parse(await http.GetStringAsync($"/api/records/res.currency/{order7["currency_id"]}"))!;
        return new Snapshot(orders.Count, partners.Count, order7["name"]!.GetValue<string>(), currency["name"]!.GetValue<string>());
    }

    private sealed record Snapshot(int Orders, int Partners, string Order7Name, string Order7Currency);
}
