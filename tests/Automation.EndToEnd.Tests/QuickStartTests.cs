using System.Net.Sockets;
using Automation.Storage;
using Automation.Testing;

namespace Automation.EndToEnd.Tests;

/// <summary>
/// The README's first quick-start command on a machine where nothing runs yet: the app starts Azurite itself,
/// answers /api/health within 60 s, and stops Azurite again on exit.
/// </summary>
[Collection(DevelopmentStorageCollection.Name)]
public sealed class QuickStartTests
{
    [Fact]
    public async Task Standalone_WithDevelopmentStorage_StartsAzuriteItself_AndStopsItOnExit()
    {
        if (IsListening(StorageConnection.DevelopmentTablePort) || IsListening(StorageConnection.DevelopmentQueuePort))
        {
            // Someone's Azurite already owns the development ports: the app would (rightly) use it instead.
            Assert.Fail("Ports 10001/10002 are taken; this test needs them free to show the app starting Azurite itself.");
        }

        var port = AppProcess.FreePort();
        var data = Path.Combine(Path.GetTempPath(), "automation-quickstart-" + Guid.NewGuid().ToString("N"));
        await using var app = AppProcess.Start(new Dictionary<string, string?>
        {
            ["Automation__AzuriteLocation"] = data,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });

        await app.WaitForHealthyAsync($"http://127.0.0.1:{port}/api/health", TimeSpan.FromSeconds(60));
        var listeningWhileUp = IsListening(StorageConnection.DevelopmentTablePort);
        await app.StopAsync(TimeSpan.FromSeconds(15));

        Assert.True(listeningWhileUp, "Azurite should serve the development table port while the app runs");
        Assert.True(Directory.Exists(data), "Azurite keeps its data in the configured folder");
        Assert.Contains($"http://127.0.0.1:{port}/api", app.StandardOutput, StringComparison.Ordinal);
        await Eventually.MatchAsync(() => Task.FromResult(IsListening(StorageConnection.DevelopmentTablePort)), open => !open,
            TimeSpan.FromSeconds(10), "Azurite to stop with the app");
    }

    [Fact]
    public async Task Standalone_WithDevelopmentStorage_AndNoNode_ExplainsHowToGetAzurite()
    {
        if (IsListening(StorageConnection.DevelopmentTablePort) || IsListening(StorageConnection.DevelopmentQueuePort))
        {
            Assert.Fail("Ports 10001/10002 are taken; this test needs them free.");
        }

        await using var app = AppProcess.Start(new Dictionary<string, string?>
        {
            ["PATH"] = "/nonexistent",
            ["Automation__AzuriteLocation"] = Path.Combine(Path.GetTempPath(), "automation-nonode-" + Guid.NewGuid().ToString("N")),
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
        });

        var exit = await app.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        var message = app.StandardError.Trim();
        Assert.StartsWith("Automation cannot start:", message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage", message, StringComparison.Ordinal);
        Assert.Contains("Node.js", message, StringComparison.Ordinal);
    }

    private static bool IsListening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
