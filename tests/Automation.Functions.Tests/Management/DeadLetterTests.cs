using System.Net;
using System.Text.Json.Nodes;
using Automation.Testing;

namespace Automation.Functions.Tests.Management;

/// <summary>
/// Dead letters (issue #10 acceptance): a message that keeps failing ends in <c>&lt;queue&gt;-poison</c>, is listed with its
/// payload and error, and can be replayed (one or all) or deleted. The app's host.json is changed to retry at once, twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeadLetterTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestAppRoot _root = new();
    private readonly RecordingQueueFunction _flaky = new("Flaky");
    private TestApp _app = null!;
    private HttpClient _http = null!;
    private string _queue = "";
    private volatile bool _healed;

    public async Task InitializeAsync()
    {
        _queue = azurite.UniqueQueueName("flaky");
        _root.QueueFunction("Flaky", _queue);
        var hostJson = Path.Combine(_root.Path, "host.json");
        var host = JsonNode.Parse(await File.ReadAllTextAsync(hostJson))!;
        host["extensions"]!["queues"]!["maxDequeueCount"] = 2;
        host["extensions"]!["queues"]!["visibilityTimeout"] = "00:00:00";
        await File.WriteAllTextAsync(hostJson, host.ToJsonString());
        _flaky.Behaviour = trigger => _healed ? Task.CompletedTask : throw new InvalidOperationException("boom on " + trigger.MessageText);
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: false, queueFunctions: [_flaky]);
        _http = _app.Admin();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task PoisonMessages_AreListedWithPayloadAndError_AndCanBeReplayedOrDeleted()
    {
        var queue = azurite.Queues.GetQueueClient(_queue);
        await queue.CreateIfNotExistsAsync();
        foreach (var n in new[] { 1, 2, 3 })
        {
            await queue.SendMessageAsync($$"""{"n":{{n}}}""");
        }

        var letters = await Eventually.MatchAsync(ListAsync, l => l.Count == 3, what: "three dead letters");
        var first = letters.Single(l => l!["payload"]!["n"]!.GetValue<int>() == 1)!;
        Assert.Equal(_queue, first["queue"]!.GetValue<string>());
        Assert.Equal("InvalidOperationException: boom on {\"n\":1}", first["error"]!.GetValue<string>());
        Assert.Equal(2, first["failed_attempts"]!.GetValue<int>());

        _healed = true;
        using var replay = await _http.PostAsync($"/api/admin/dead-letters/{first["id"]}/replay", null);
        var second = letters.Single(l => l!["payload"]!["n"]!.GetValue<int>() == 2)!;
        using var delete = await _http.DeleteAsync($"/api/admin/dead-letters/{second["id"]}");
        using var deleteAgain = await _http.DeleteAsync($"/api/admin/dead-letters/{second["id"]}");
        using var replayAll = await _http.PostAsync($"/api/admin/dead-letters/replay?queue={_queue}", null);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteAgain.StatusCode);
        Assert.Equal(1, JsonNode.Parse(await replayAll.Content.ReadAsStringAsync())!["replayed"]!.GetValue<int>());
        await Eventually.MatchAsync(() => Task.FromResult(_flaky.Calls.Count(c => c.DequeueCount == 1 && c.MessageText is """{"n":1}""" or """{"n":3}""")),
            n => n >= 4, what: "messages 1 and 3 delivered again after their replay"); // each failed once before, then succeeded once
        Assert.Empty(await ListAsync());
        Assert.Equal(2, _flaky.Calls.Count(c => c.MessageText == """{"n":2}""")); // its two failures; deleted, never run again
    }

    [Fact]
    public async Task UnknownQueueOrId_Answers404_AndClearingNeedsAQueue()
    {
        using var unknownQueue = await _http.GetAsync("/api/admin/dead-letters?queue=no-such-queue");
        using var unknownId = await _http.PostAsync($"/api/admin/dead-letters/{_queue}.00000000-0000-0000-0000-000000000000/replay", null);
        using var clearAll = await _http.DeleteAsync("/api/admin/dead-letters");

        Assert.Equal(HttpStatusCode.NotFound, unknownQueue.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, clearAll.StatusCode);
    }

    private async Task<List<JsonNode?>> ListAsync()
    {
        var json = JsonNode.Parse(await _http.GetStringAsync($"/api/admin/dead-letters?queue={_queue}"))!;
        return json["dead_letters"]!.AsArray().ToList();
    }
}
