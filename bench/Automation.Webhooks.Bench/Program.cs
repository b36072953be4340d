using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Functions;
using Automation.Functions.Hosting;
using Automation.Functions.Webhooks;
using Automation.Storage;
using Automation.Storage.Emulator;
using Automation.Storage.Queues;
using Automation.Webhooks.Bench;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Issue #7 benchmark. (1) Ingress: POST /api/hooks/{token} (accept + validate + enqueue) at 1, 8 and 32 concurrent,
// against raw signed Put Message requests to the same Azurite, ABBA rounds, processing paused. (2) End to end: the
// documented currency webhook, accepted → sale order updated, 8 concurrent callers each waiting for its call to finish,
// on 12 different orders and all on order 7.
// Usage: dotnet run -c Release --project bench/Automation.Webhooks.Bench -- [--seconds N] [--rounds N] [--e2e-seconds N]
const double IngressTarget = 0.85;
const double IngressP99TargetMs = 25;
const double SameRecordP99TargetMs = 2000;

var seconds = Arg("--seconds", 3);
var rounds = Arg("--rounds", 2);
var e2eSeconds = Arg("--e2e-seconds", 10);

var location = Path.Combine(Path.GetTempPath(), "automation-webhooks-bench-" + Guid.NewGuid().ToString("N"));
var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location });
var connectionString = azurite.ConnectionString;
var adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
GatedWebhookCalls? gated = null;
WebApplication? app = null;
var exitCode = 1;
try
{
    app = AutomationApp.Create(
    [
        "--urls=http://127.0.0.1:0",
        $"--AzureWebJobsStorage={connectionString}",
        $"--Automation:BootstrapAdminKey={adminKey}",
        "--Automation:DemoData=true",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Function.WebhookCalls=Error", // the held messages cleared between phases lose their leases: expected
    ], builder =>
    {
        var real = builder.Services.Single(s => s.ServiceType == typeof(IQueueFunction) && s.ImplementationType == typeof(WebhookCalls));
        builder.Services.Remove(real);
        builder.Services.AddSingleton(sp => gated = new GatedWebhookCalls(ActivatorUtilities.CreateInstance<WebhookCalls>(sp)));
        builder.Services.AddSingleton<IQueueFunction>(sp => sp.GetRequiredService<GatedWebhookCalls>());
    });
    await app.InitializeAsync();
    await app.StartAsync();
    var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    exitCode = await RunAsync(app, baseUrl);
}
finally
{
    if (app is not null)
    {
        gated?.Open();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    await azurite.DisposeAsync();
    try
    {
        Directory.Delete(location, true);
    }
    catch (IOException)
    {
        // a temp folder
    }
}

return exitCode;

async Task<int> RunAsync(WebApplication app, string baseUrl)
{
    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
    using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    using var rule = await http.PostAsync("/api/admin/rules", Json("""
        {"name":"Set the currency to USD","model":"sale.order","trigger":"on_webhook",
         "action_server_ids":[{"name":"Currency: USD","state":"object_write","update_path":"currency_id","value":"1"}]}
        """));
    var url = JsonNode.Parse(await rule.Content.ReadAsStringAsync())!["url"]!.GetValue<string>();
    var queues = app.Services.GetRequiredService<QueueServiceClient>();
    var callsQueue = queues.GetQueueClient("webhook-calls");
    var rawQueue = queues.GetQueueClient("bench-raw-sends");
    await rawQueue.CreateIfNotExistsAsync();
    var raw = new RawQueue(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }), StorageConnection.DevelopmentAccountName, StorageConnection.DevelopmentAccountKey,
        $"http://127.0.0.1:{azurite.QueuePort}/{StorageConnection.DevelopmentAccountName}", "bench-raw-sends");
    var payload = """{"_model":"sale.order","_id":"7"}""";
    // The baseline sends what the app would send for one call on its own: the same message, byte for byte in size.
    var rawText = "{\"v\":1,\"calls\":[{\"id\":\"" + new string('0', 19) + "-1-" + new string('a', 32) + "\",\"rule_id\":1,\"received_at\":\"" +
                  DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture) + "\",\"payload\":" + payload + "}]}";

    Console.WriteLine($"Automation webhooks benchmark: {Environment.ProcessorCount} cores, Azurite {azurite.QueuePort}/{azurite.TablePort}, " +
                      $"{seconds} s per side per round, {rounds} ABBA round pairs");
    Console.WriteLine();
    Console.WriteLine("1. Ingress: POST /api/hooks/{token} {\"_model\":\"sale.order\",\"_id\":\"7\"} (accept + validate + enqueue), processing paused");
    Console.WriteLine("   baseline: raw signed Put Message of the same-size message to the same Azurite (HttpClient, Shared Key)");
    gated!.Close();
    var ok = true;
    foreach (var concurrency in new[] { 1, 8, 32 })
    {
        async Task Hook()
        {
            using var content = Json(payload);
            using var response = await http.PostAsync(url, content);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"The webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        Task Raw() => raw.SendAsync(rawText);

        await MeasureAsync(Raw, concurrency, TimeSpan.FromSeconds(1));
        await MeasureAsync(Hook, concurrency, TimeSpan.FromSeconds(1));
        var rawResults = new List<Result>();
        var hookResults = new List<Result>();
        for (var round = 0; round < rounds; round++)
        {
            // ABBA: A B B A, so drift over time hits both sides alike.
            foreach (var side in round % 2 == 0 ? new[] { 0, 1, 1, 0 } : [1, 0, 0, 1])
            {
                await rawQueue.ClearMessagesAsync();
                await callsQueue.ClearMessagesAsync();
                (side == 0 ? rawResults : hookResults).Add(await MeasureAsync(side == 0 ? Raw : Hook, concurrency, TimeSpan.FromSeconds(seconds)));
            }
        }

        var rawRate = rawResults.Average(r => r.PerSecond);
        var hookRate = hookResults.Average(r => r.PerSecond);
        var ratio = hookRate / rawRate;
        var hookP99 = hookResults.Max(r => r.P99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"   {concurrency,2} concurrent: raw {rawRate,7:N0}/s (p50 {rawResults.Average(r => r.P50),5:0.0} ms, p99 {rawResults.Max(r => r.P99),5:0.0} ms) | " +
            $"ingress {hookRate,7:N0}/s (p50 {hookResults.Average(r => r.P50),5:0.0} ms, p99 {hookP99,5:0.0} ms) | ingress/raw {ratio:P1} " +
            $"(target ≥ {IngressTarget:P0}{(concurrency == 8 ? $", p99 ≤ {IngressP99TargetMs} ms" : "")})"));
        ok &= ratio >= IngressTarget && (concurrency != 8 || hookP99 <= IngressP99TargetMs);
    }

    // Processing on: drop what the paused handlers hold, then let calls run.
    gated.Discard = true;
    gated.Open();
    await callsQueue.ClearMessagesAsync();
    while (gated.InFlight > 0)
    {
        await Task.Delay(50);
    }

    gated.Discard = false;
    await callsQueue.ClearMessagesAsync();

    Console.WriteLine();
    Console.WriteLine($"2. End to end: the currency webhook, accepted → sale order updated; 8 callers, each waits for its call to finish ({e2eSeconds} s)");
    var distinct = await EndToEndAsync(http, url, 8, TimeSpan.FromSeconds(e2eSeconds), i => 1 + (i % 12));
    var same = await EndToEndAsync(http, url, 8, TimeSpan.FromSeconds(e2eSeconds), _ => 7);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"   12 orders : {distinct.PerSecond,6:N1} calls/s, completion p50 {distinct.P50,6:N0} ms, p99 {distinct.P99,6:N0} ms ({distinct.Count} calls, {distinct.Failed} failed)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"   same order: {same.PerSecond,6:N1} calls/s, completion p50 {same.P50,6:N0} ms, p99 {same.P99,6:N0} ms ({same.Count} calls, {same.Failed} failed; target p99 ≤ {SameRecordP99TargetMs:N0} ms)"));
    ok &= same.P99 <= SameRecordP99TargetMs && same.Failed == 0 && distinct.Failed == 0;
    Console.WriteLine();
    Console.WriteLine(ok ? "All targets met." : "A target was missed.");
    return ok ? 0 : 2;
}

static async Task<Result> MeasureAsync(Func<Task> operation, int concurrency, TimeSpan duration)
{
    var latencies = new List<double>[concurrency];
    var stop = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
    {
        var mine = latencies[worker] = new List<double>(4096);
        while (stop.Elapsed < duration)
        {
            var start = Stopwatch.GetTimestamp();
            await operation();
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }));
    var all = latencies.SelectMany(l => l).Order().ToArray();
    return new Result(all.Length / stop.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), all.Length, 0);
}

// Each caller sends a call and waits for its handler to finish it, then sends the next. Completion latency: from the
// moment the caller sent the call to the moment the WebhookCalls handler finished the message that carried it. Every
// call's outcome is checked through GET /api/admin/calls/{id} afterwards.
async Task<Result> EndToEndAsync(HttpClient http, string url, int callers, TimeSpan duration, Func<int, int> order)
{
    var latencies = new List<double>();
    var ids = new List<string>();
    var counter = 0;
    var stop = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
    {
        while (stop.Elapsed < duration)
        {
            var i = Interlocked.Increment(ref counter);
            var sent = Stopwatch.GetTimestamp();
            using var content = Json($$"""{"_model":"sale.order","_id":"{{order(i)}}"}""");
            using var accepted = await http.PostAsync(url, content);
            var id = JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            var finished = await gated!.Finished.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            lock (latencies)
            {
                latencies.Add(Stopwatch.GetElapsedTime(sent, finished).TotalMilliseconds);
                ids.Add(id);
            }
        }
    }));
    var elapsed = stop.Elapsed;
    var failed = 0;
    foreach (var chunk in ids.Chunk(16))
    {
        var statuses = await Task.WhenAll(chunk.Select(async id => JsonNode.Parse(await http.GetStringAsync($"/api/admin/calls/{id}"))!["status"]!.GetValue<string>()));
        failed += statuses.Count(s => s != "done");
    }

    var all = latencies.Order().ToArray();
    return new Result(all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), all.Length, failed);
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record Result(double PerSecond, double P50, double P99, int Count, int Failed);
