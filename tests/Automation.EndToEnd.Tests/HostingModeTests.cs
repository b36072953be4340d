using System.Net;
using System.Text;
using System.Text.Json;
using Automation.Testing;

namespace Automation.EndToEnd.Tests;

/// <summary>The real executable, started the way users and the Functions host start it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HostingModeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Standalone_WithAConnectionString_AnswersHealth()
    {
        var port = AppProcess.FreePort();
        await using var app = AppProcess.Start(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
        }, ["--urls", $"http://127.0.0.1:{port}"]);

        await app.WaitForHealthyAsync($"http://127.0.0.1:{port}/api/health", TimeSpan.FromSeconds(60));
        using var http = new HttpClient();
        var body = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/api/health")).RootElement;

        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task FunctionsMode_ListensOnTheHostsPort_AndAnswersAnHttpInvocation()
    {
        var port = AppProcess.FreePort();
        await using var app = AppProcess.Start(new Dictionary<string, string?>
        {
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // The host's readiness check: any answer to GET / counts.
        var ready = await Eventually.MatchAsync(async () =>
        {
            try
            {
                using var r = await http.GetAsync("/");
                return (int)r.StatusCode;
            }
            catch (HttpRequestException)
            {
                return 0;
            }
        }, status => status != 0, TimeSpan.FromSeconds(30), "the handler to listen");
        using var invocation = await http.PostAsync("/Health", new StringContent(
            """{"Data":{"req":{"Url":"https://app.azurewebsites.net/api/health","Method":"GET","Headers":{}}},"Metadata":{"sys":{"MethodName":"Health"}}}""",
            Encoding.UTF8, "application/json"));
        var reply = JsonDocument.Parse(await invocation.Content.ReadAsStringAsync()).RootElement;

        Assert.NotEqual(0, ready);
        Assert.Equal(HttpStatusCode.OK, invocation.StatusCode);
        Assert.Equal(200, reply.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task MalformedConnectionString_StopsStartupWithOneClearLine()
    {
        await using var app = AppProcess.Start(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "AccountName=prod;AccountKey=",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
        });

        var exit = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exit);
        var lines = app.StandardError.Trim().Split('\n');
        Assert.Single(lines);
        Assert.Contains("'AzureWebJobsStorage' is malformed", lines[0], StringComparison.Ordinal);
        Assert.Contains("UseDevelopmentStorage=true", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableStorage_StopsStartupNamingTheSetting()
    {
        var closed = AppProcess.FreePort();
        await using var app = AppProcess.Start(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Storage.StorageConnection.AzuriteConnectionString(closed, closed),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
        });

        var exit = await app.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Contains("Storage is unreachable", app.StandardError, StringComparison.Ordinal);
        Assert.Contains("'AzureWebJobsStorage'", app.StandardError, StringComparison.Ordinal);
    }
}
