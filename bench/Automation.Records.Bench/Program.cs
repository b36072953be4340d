using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Events;
using Automation.Functions;
using Automation.Functions.Hosting;
using Automation.Records.Bench;
using Automation.Storage;
using Automation.Storage.Emulator;
using Automation.Storage.Queues;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Automation.Testing;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Issue #4 benchmark. (1) Record creates through the API (the real app in this process, real HTTP, its own Azurite)
// against raw single-entity inserts of a record-sized entity into the same Azurite, 8 concurrent, ABBA rounds.
// (2) Id allocation with 8 concurrent creators: one IdAllocator shared by 8 tasks, and 8 allocators (8 instances).
// Usage: dotnet run -c Release --project bench/Automation.Records.Bench -- [--seconds N] [--rounds N] [--concurrency N]
const double CreateTarget = 0.60;
const double IdTarget = 2_000;
const string Model = "res.partner";
const string IdModel = "bench.model";

var seconds = Arg("--seconds", 3);
var rounds = Arg("--rounds", 4);
var concurrency = Arg("--concurrency", 8);

var location = Path.Combine(Path.GetTempPath(), "automation-records-bench-" + Guid.NewGuid().ToString("N"));
var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location });
var connectionString = azurite.ConnectionString;
var adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)); // 32 characters

// The app's own storage pipeline, plus one policy that counts its requests (an interlocked increment each), so the
// output can say what one create costs in storage requests. The bench's clients count theirs the same way.
var appRequests = new RequestCounter(azurite.TablePort);
var appStorageOptions = new StorageClientOptions();
appStorageOptions.AddPolicy(appRequests, HttpPipelinePosition.PerRetry);
WebApplication? app = null;
var exitCode = 1;
try
{
    app = AutomationApp.Create(
    [
        "--urls=http://127.0.0.1:0",
        $"--AzureWebJobsStorage={connectionString}",
        $"--Automation:BootstrapAdminKey={adminKey}",
        "--Automation:DemoData=false",
        "--Logging:LogLevel:Default=Warning",
    ], builder => builder.Services.AddSingleton(appStorageOptions));
    await app.InitializeAsync();
    await app.StartAsync();
    var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    exitCode = await RunAsync(app, baseUrl);
}
finally
{
    if (app is not null)
    {
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
    }
}

return exitCode;

async Task<int> RunAsync(WebApplication host, string baseUrl)
{
    var benchRequests = new RequestCounter(azurite.TablePort);
    var benchOptions = new StorageClientOptions();
    benchOptions.AddPolicy(benchRequests, HttpPipelinePosition.PerRetry);
    var tables = new TableServiceClient(azurite.Connection, benchOptions);
    var queues = new QueueServiceClient(azurite.Connection, benchOptions);
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = new Uri(baseUrl),
    };
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);

    Console.WriteLine($"Azurite {azurite.ProcessId} (tables :{azurite.TablePort}, queues :{azurite.QueuePort}), app in-process on {baseUrl}");
    Console.WriteLine($"{concurrency} concurrent, {rounds} ABBA rounds x {seconds} s per side, {Environment.ProcessorCount} cores, " +
        $"GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
    Console.WriteLine();

    // ---- Scenario 1: creates through the API against raw single-entity inserts -------------------------------------
    var sequence = 0L;
    async Task<string> PostAsync()
    {
        var n = Interlocked.Increment(ref sequence);
        var body = $$"""{"name":"Partner {{n}}","email":"p{{n}}@example.com","phone":"+32 470 {{n / 10_000 % 100:D2}} {{n / 100 % 100:D2}} {{n % 100:D2}}","city":"Brussels"}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"api/records/{Model}", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.Created
            ? text
            : throw new InvalidOperationException($"POST /api/records/{Model} answered {(int)response.StatusCode}: {text}");
    }

    Task CreateAsync(int worker) => PostAsync();

    // One create shows what the app stores: the baseline inserts copies of that very entity. The diagnostic below
    // also needs a pending-event entity and a queue message of the same size as the app's, built from that record.
    var created = JsonNode.Parse(await PostAsync())!.AsObject();
    var firstId = created["id"]!.GetValue<long>();
    var recordTemplate = await tables.GetTableClient(RecordEntities.TableName).GetEntityAsync(Model, RecordEntities.RowKey(firstId));
    var change = new ChangeEvent
    {
        Id = DateTime.UtcNow.Ticks.ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12],
        Kind = ChangeKind.Create,
        Model = Model,
        RecordId = firstId,
        After = created,
        Changed = [.. created.Select(p => p.Key).Where(k => k is not ("id" or "display_name" or "create_date" or "write_date"))],
        Actor = new Actor(1),
        Chain = CausalChain.Start(),
        At = DateTime.UtcNow,
    };
    var eventJson = EventJson.Serialize(change);
    var eventTemplate = new TableEntity(Model, "template") { ["CreatedAt"] = DateTimeOffset.UtcNow, ["Chunks"] = 1, ["Data0"] = eventJson };
    var eventMessage = new JsonObject { ["v"] = 1, ["event"] = JsonNode.Parse(eventJson) }.ToJsonString();

    var rawTable = tables.GetTableClient("rawinserts");
    await rawTable.CreateIfNotExistsAsync();
    Task RawInsertAsync(int worker) => rawTable.AddEntityAsync(Copy(recordTemplate, Model, Guid.NewGuid().ToString("N")));

    await MeasureAsync(RawInsertAsync, 1); // warm-up both paths
    await MeasureAsync(CreateAsync, 1);
    var rawRuns = new List<Measurement>();
    var apiRuns = new List<Measurement>();
    var apiStorage = new Dictionary<string, RequestTotal>(StringComparer.Ordinal);
    async Task MeasureApiAsync()
    {
        var before = appRequests.Snapshot();
        apiRuns.Add(await MeasureAsync(CreateAsync, seconds));
        Add(apiStorage, RequestCounter.Difference(appRequests.Snapshot(), before));
    }

    for (var r = 0; r < rounds; r++)
    {
        // ABBA order: whichever side runs second in a round runs first in the next.
        if (r % 2 == 0)
        {
            rawRuns.Add(await MeasureAsync(RawInsertAsync, seconds));
            await MeasureApiAsync();
        }
        else
        {
            await MeasureApiAsync();
            rawRuns.Add(await MeasureAsync(RawInsertAsync, seconds));
        }
    }

    var raw = Measurement.Combine(rawRuns);
    var api = Measurement.Combine(apiRuns);
    var ratio = api.OpsPerSecond / raw.OpsPerSecond;
    var createsPass = ratio >= CreateTarget;

    Console.WriteLine($"1. Record creates, {concurrency} concurrent");
    Console.WriteLine($"   {"side",-74}{"ops/s",8}{"p50 ms",8}{"p99 ms",8}");
    Console.WriteLine($"   {$"baseline: raw single-entity insert, TableClient.AddEntityAsync ({recordTemplate.Count} props,",-74}" +
        $"{raw.OpsPerSecond,8:N0}{raw.Percentile(0.50),8:N1}{raw.Percentile(0.99),8:N1}");
    Console.WriteLine("     copy of a stored res.partner record; our client is within a few % of raw signed HttpClient, issue #2)");
    Console.WriteLine($"   {$"API: POST /api/records/{Model}, HttpClient -> Kestrel -> record store (201)",-74}" +
        $"{api.OpsPerSecond,8:N0}{api.Percentile(0.50),8:N1}{api.Percentile(0.99),8:N1}");
    Console.WriteLine($"   per round ops/s   raw: {Join(rawRuns)}   API: {Join(apiRuns)}");
    Console.WriteLine($"   API / raw = {ratio:P1} (target >= {CreateTarget:P0}): {(createsPass ? "PASS" : "FAIL")}");
    var creates = apiRuns.Sum(m => m.Count);
    Console.WriteLine($"   app storage requests per API create ({creates:N0} creates; count, mean ms):");
    foreach (var (kind, total) in apiStorage.OrderByDescending(p => p.Value.Count))
    {
        Console.WriteLine($"     {kind,-24}{(double)total.Count / creates,8:N3}{total.MeanMilliseconds,8:N1}");
    }

    Console.WriteLine($"     {"total",-24}{(double)apiStorage.Values.Sum(t => t.Count) / creates,8:N3}");

    // Where the time goes: storage operations of a create, each alone with our client (no HTTP, no app), one run each.
    var stepsTable = tables.GetTableClient("createsteps");
    await stepsTable.CreateIfNotExistsAsync();
    var stepsQueue = queues.GetQueueClient("createsteps");
    await stepsQueue.CreateIfNotExistsAsync();
    Task TransactionAsync(int worker)
    {
        var id = Guid.NewGuid().ToString("N");
        return stepsTable.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, Copy(recordTemplate, Model, id)),
            new TableTransactionAction(TableTransactionActionType.Add, Copy(eventTemplate, Model, RecordEntities.EventRowPrefix + id)),
        ]);
    }

    // Eight creates of one model committed together (records share the model's partition): 16 entities per transaction.
    const int Group = 8;
    Task GroupTransactionAsync(int worker) => stepsTable.SubmitTransactionAsync([.. Enumerable.Range(0, Group).SelectMany(_ =>
    {
        var id = Guid.NewGuid().ToString("N");
        return new[]
        {
            new TableTransactionAction(TableTransactionActionType.Add, Copy(recordTemplate, Model, id)),
            new TableTransactionAction(TableTransactionActionType.Add, Copy(eventTemplate, Model, RecordEntities.EventRowPrefix + id)),
        };
    })]);

    Task SendAsync(int worker) => stepsQueue.SendMessageAsync(eventMessage);
    await MeasureAsync(TransactionAsync, 1);
    var transaction = await MeasureAsync(TransactionAsync, seconds);
    await MeasureAsync(GroupTransactionAsync, 1);
    var group = await MeasureAsync(GroupTransactionAsync, seconds);
    await MeasureAsync(SendAsync, 1);
    var send = await MeasureAsync(SendAsync, seconds);
    Console.WriteLine($"   storage ceilings alone, our client, {concurrency} concurrent, one {seconds} s run each:");
    Console.WriteLine($"     {$"transaction: record + pending event ({Encoding.UTF8.GetByteCount(eventJson):N0} B of event JSON)",-72}" +
        $"{transaction.OpsPerSecond,8:N0}/s  {transaction.OpsPerSecond / raw.OpsPerSecond,6:P0} of raw insert, p50 {transaction.Percentile(0.5):N1} ms");
    Console.WriteLine($"     {$"transaction of {Group} such creates together ({2 * Group} entities), in creates/s",-72}" +
        $"{group.OpsPerSecond * Group,8:N0}/s  {group.OpsPerSecond * Group / raw.OpsPerSecond,6:P0} of raw insert, p50 {group.Percentile(0.5):N1} ms");
    Console.WriteLine($"     {$"queue send of that event ({Encoding.UTF8.GetByteCount(eventMessage):N0} B message)",-72}" +
        $"{send.OpsPerSecond,8:N0}/s  {send.OpsPerSecond / raw.OpsPerSecond,6:P0} of raw insert, p50 {send.Percentile(0.5):N1} ms");
    Console.WriteLine();

    // ---- Scenario 2: id allocation ---------------------------------------------------------------------------------
    var counters = tables.GetTableClient(IdAllocator.TableName);
    await counters.CreateIfNotExistsAsync();
    var shared = new IdAllocator(counters, TimeProvider.System);
    var instances = Enumerable.Range(0, concurrency).Select(_ => new IdAllocator(counters, TimeProvider.System)).ToArray();
    var ledger = new IdLedger();
    var handed = Enumerable.Range(0, concurrency).Select(_ => new List<long>()).ToArray();
    async Task<(double IdsPerSecond, IReadOnlyDictionary<string, RequestTotal> Requests)> AllocateAsync(Func<int, IdAllocator> allocator, int duration)
    {
        var before = benchRequests.Snapshot();
        var measured = await MeasureAsync(async w => handed[w].Add(await allocator(w).NextAsync(IdModel, CancellationToken.None)), duration, timeEach: false);
        var requests = RequestCounter.Difference(benchRequests.Snapshot(), before);
        foreach (var list in handed)
        {
            foreach (var id in list)
            {
                ledger.Add(id);
            }

            list.Clear();
        }

        return (measured.OpsPerSecond, requests);
    }

    await AllocateAsync(_ => shared, 1); // warm-up: blocks grow to their steady size
    await AllocateAsync(w => instances[w], 1);
    var sharedRuns = new List<double>();
    var instanceRuns = new List<double>();
    var sharedRequests = new Dictionary<string, RequestTotal>(StringComparer.Ordinal);
    var instanceRequests = new Dictionary<string, RequestTotal>(StringComparer.Ordinal);
    async Task RunSharedAsync()
    {
        var (ids, requests) = await AllocateAsync(_ => shared, seconds);
        sharedRuns.Add(ids);
        Add(sharedRequests, requests);
    }

    async Task RunInstancesAsync()
    {
        var (ids, requests) = await AllocateAsync(w => instances[w], seconds);
        instanceRuns.Add(ids);
        Add(instanceRequests, requests);
    }

    for (var r = 0; r < rounds; r++)
    {
        if (r % 2 == 0)
        {
            await RunSharedAsync();
            await RunInstancesAsync();
        }
        else
        {
            await RunInstancesAsync();
            await RunSharedAsync();
        }
    }

    var sharedIds = sharedRuns.Average();
    var instanceIds = instanceRuns.Average();
    var idsPass = sharedIds >= IdTarget && instanceIds >= IdTarget && ledger.Duplicates == 0;
    Console.WriteLine($"2. Id allocation, IdAllocator.NextAsync(\"{IdModel}\"), {concurrency} concurrent creators");
    Console.WriteLine($"   {"allocators",-72}{"ids/s",14}  counter-row requests per run");
    Console.WriteLine($"   {$"one allocator shared by {concurrency} tasks (one instance)",-72}{sharedIds,14:N0}  {Describe(sharedRequests, rounds)}");
    Console.WriteLine($"   {$"{concurrency} allocators, one per task ({concurrency} instances on one counter row)",-72}{instanceIds,14:N0}  {Describe(instanceRequests, rounds)}");
    Console.WriteLine($"   ids handed out (warm-up included): {ledger.Count:N0}, highest {ledger.Max:N0}, duplicates {ledger.Duplicates:N0}");
    Console.WriteLine($"   target >= {IdTarget:N0} ids/s with unique ids: {(idsPass ? "PASS" : "FAIL")}");
    Console.WriteLine();

    Console.WriteLine(createsPass && idsPass
        ? "RESULT: all targets met"
        : $"RESULT: target missed ({string.Join("; ", new[] { createsPass ? null : $"API creates {ratio:P1} of raw inserts < {CreateTarget:P0}", idsPass ? null : "id allocation" }.OfType<string>())})");
    return createsPass && idsPass ? 0 : 1;
}

/// <summary><paramref name="concurrency"/> workers run <paramref name="op"/> back to back for the duration.</summary>
async Task<Measurement> MeasureAsync(Func<int, Task> op, int duration, bool timeEach = true)
{
    var latencies = Enumerable.Range(0, concurrency).Select(_ => new List<double>()).ToArray();
    var counts = new long[concurrency];
    var stop = Stopwatch.StartNew();
    var until = TimeSpan.FromSeconds(duration);
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
    {
        while (stop.Elapsed < until)
        {
            var start = Stopwatch.GetTimestamp();
            await op(w);
            counts[w]++;
            if (timeEach)
            {
                latencies[w].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
    })));
    var elapsed = stop.Elapsed.TotalSeconds;
    return new Measurement(counts.Sum() / elapsed, counts.Sum(), latencies.SelectMany(l => l).ToList());
}

static TableEntity Copy(TableEntity template, string partitionKey, string rowKey)
{
    var copy = new TableEntity(partitionKey, rowKey);
    foreach (var (name, value) in template)
    {
        copy[name] = value;
    }

    return copy;
}

static void Add(Dictionary<string, RequestTotal> total, IReadOnlyDictionary<string, RequestTotal> more)
{
    foreach (var (kind, count) in more)
    {
        total[kind] = total.GetValueOrDefault(kind) + count;
    }
}

static string Describe(Dictionary<string, RequestTotal> requests, int runs) =>
    requests.Count == 0 ? "none" : string.Join(", ", requests.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {(double)p.Value.Count / runs:N0}"));

static string Join(IEnumerable<Measurement> runs) => string.Join(" ", runs.Select(m => m.OpsPerSecond.ToString("N0", CultureInfo.InvariantCulture)));

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed class Measurement(double opsPerSecond, long count, List<double> latencies)
{
    public double OpsPerSecond { get; } = opsPerSecond;

    public long Count { get; } = count;

    /// <summary>Milliseconds per operation (empty when not timed one by one).</summary>
    public IReadOnlyList<double> Latencies { get; } = latencies;

    public static Measurement Combine(IReadOnlyList<Measurement> runs) =>
        new(runs.Average(m => m.OpsPerSecond), runs.Sum(m => m.Count), runs.SelectMany(m => m.Latencies).ToList());

    public double Percentile(double p)
    {
        if (Latencies.Count == 0)
        {
            return double.NaN;
        }

        var sorted = Latencies.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
