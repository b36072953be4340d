using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Storage;
using Automation.Storage.Queues;
using Automation.Testing;
using Xunit.Abstractions;

namespace Automation.EndToEnd.Tests;

/// <summary>
/// Issue #7: no accepted call is lost. 1,000 calls are accepted, and the process running the queue handler is killed
/// (SIGKILL) at random points while it works through them, then started again. Every call must end done or failed, or
/// sit in the poison queue as a dead letter, and none may run its action twice: the action creates one record per
/// call, so a call that ran twice would leave two.
/// </summary>
public sealed class WebhookChaosTests(WebhookApp app, ITestOutputHelper output) : IClassFixture<WebhookApp>
{
    private const int Calls = 1000;
    private const int Kills = 3;

    [Fact]
    public async Task Webhook_1000CallsWithTheHandlerKilledAtRandomPoints_AllEnd_NoneTwice()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var model = "x_hit_" + Guid.NewGuid().ToString("N")[..8];
        await app.SendJsonAsync(HttpMethod.Put, $"/api/admin/models/{model}", """{"fields": {"name": {"type": "char"}, "call": {"type": "integer"}}}""",
            HttpStatusCode.Created);
        var anchor = (await app.SendJsonAsync(HttpMethod.Post, $"/api/records/{model}", """{"name": "anchor"}""", HttpStatusCode.Created))["id"]!;
        var (_, url) = await app.CreateRuleAsync($$"""
            {"name":"One record per call","model":"{{model}}","trigger":"on_webhook","record_getter":"model.browse({{anchor}})",
             "action_server_ids":[{"name":"Create","state":"code","code":"env['{{model}}'].create({'name': 'hit', 'call': payload['n']})"}]}
            """);
        var token = url![url!.LastIndexOf('/')..];

        // Accepted: every one of them answered 200 with a call id.
        var ids = new string[Calls];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var n = Interlocked.Increment(ref next); n < Calls; n = Interlocked.Increment(ref next))
            {
                var response = await app.CallAsync(app.BaseUrl + "/api/hooks" + token, $$"""{"n": {{n}}}""");
                Assert.Equal(HttpStatusCode.OK, response.Status);
                ids[n] = response.CallId!;
            }
        }));

        // Killed at random points while it works through them, and started again each time.
        for (var kill = 0; kill < Kills; kill++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 3000)));
            await app.KillAppAsync();
            await app.StartAppAsync();
        }

        // Every call ends (or is a dead letter); no call's action ran twice.
        var poison = await DeadLettersAsync();
        var outcomes = new Dictionary<int, JsonNode>();
        foreach (var chunk in Enumerable.Range(0, Calls).Where(n => !poison.Contains(ids[n])).Chunk(25))
        {
            foreach (var (n, call) in await Task.WhenAll(chunk.Select(async n => (n, await app.FinishedCallAsync(ids[n])))))
            {
                outcomes[n] = call;
            }
        }

        var hits = await HitsAsync(model);
        var done = outcomes.Count(o => o.Value["status"]!.GetValue<string>() == "done");
        var failed = outcomes.Where(o => o.Value["status"]!.GetValue<string>() == "failed").ToList();
        output.WriteLine($"{done} done, {failed.Count} failed (interrupted), {poison.Count} dead letters, {hits.Values.Sum()} records created");
        Assert.Equal(Calls, outcomes.Count + poison.Count);
        Assert.All(hits, h => Assert.True(h.Value == 1, $"call {h.Key} ran its action {h.Value} times"));
        Assert.All(outcomes.Where(o => o.Value["status"]!.GetValue<string>() == "done"), o => Assert.True(hits.ContainsKey(o.Key), $"call {o.Key} is done but ran nothing"));
        Assert.All(failed, f => Assert.StartsWith("Interrupted while running 'Create'", f.Value["error"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    private async Task<Dictionary<long, int>> HitsAsync(string model)
    {
        var hits = new Dictionary<long, int>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await app.Admin.GetStringAsync(
                $"/api/records/{model}?domain=%5B('name','=','hit')%5D&fields=call&limit=500" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))))!;
            foreach (var record in page["records"]!.AsArray())
            {
                var call = record!["call"]!.GetValue<long>();
                hits[call] = hits.GetValueOrDefault(call) + 1;
            }

            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        return hits;
    }

    private async Task<HashSet<string>> DeadLettersAsync()
    {
        var queue = new QueueServiceClient(StorageConnection.Parse(app.ConnectionString)).GetQueueClient("webhook-calls-poison");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var message in await queue.PeekMessagesAsync(32))
            {
                foreach (var call in JsonNode.Parse(message.Text ?? "{}")?["calls"]?.AsArray() ?? [])
                {
                    ids.Add(call!["id"]!.GetValue<string>());
                }
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // No poison queue: no dead letters.
        }

        return ids;
    }
}
