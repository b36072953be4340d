using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Models;
using Automation.Functions;
using Automation.Functions.Hosting;
using Automation.Storage;
using Automation.Storage.Emulator;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

// Issue #9 benchmark: "with 100 due records, a check over a model of 100,000 records costs ≤ 1.3× the same check over a
// model of 1,000 records (entities read and wall time, same run)".
// Two models, each with one time rule ("1 hour after x_date", an Update Record action), seeded so that each measured check
// finds exactly 100 due records in one of them (and none in the other). After one unmeasured warm-up check per model,
// checks alternate between the two models in ABBA order on the app's clock (POST /api/admin/scheduler/run, the product's
// check), and the app's storage requests are counted by a pipeline policy: entities read are the entities its table reads
// returned (query pages and point reads). Before each measured check the app is left to settle (no table request for
// 1.5 s), so background work of the previous check (the actions' change events) is not counted. The baseline is the same
// check over the 1,000-record model in the same run. For scale, the run also reads each model in full, which is what
// selecting due records without the index costs (Odoo searches the table), and times the one-off index build that a
// rule's activation needs (the product's build, run by the first checks).
// Usage: dotnet run -c Release --project bench/Automation.TimeRules.Bench -- [--rounds N] [--large N] [--small N]
const double Target = 1.3;
const int Due = 100;

var rounds = Arg("--rounds", 3); // measured checks per model = 2 × rounds (ABBA)
var largeCount = Arg("--large", 100_000);
var smallCount = Arg("--small", 1_000);

var location = Path.Combine(Path.GetTempPath(), "automation-timerules-bench-" + Guid.NewGuid().ToString("N"));
// In memory: on disk, Azurite writes its whole table database every 5 s, which stalls every request for seconds once it
// holds the 300,000 entities of this bench (both sides alike, but it buries the figures in noise).
var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location, InMemoryPersistence = true });
var connectionString = azurite.ConnectionString;
var adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
var counter = new EntityCounter(azurite.TablePort);
var appStorageOptions = new StorageClientOptions();
appStorageOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
var start = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
var clock = new BenchClock(start - TimeSpan.FromMinutes(30));
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
        "--TimeRulesSchedule=0 0 0 * * *", // the timer stays quiet: the bench runs each check itself
        "--Logging:LogLevel:Default=Warning",
    ], builder =>
    {
        builder.Services.AddSingleton(appStorageOptions);
        builder.Services.AddSingleton<TimeProvider>(clock);
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
        // Left in the temp folder.
    }
}

return exitCode;

async Task<int> RunAsync(WebApplication host, string baseUrl)
{
    using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
    var tables = new TableServiceClient(azurite.Connection);
    var startLoad = LoadAverage();
    Console.WriteLine($"Load average (1, 5, 15 min): {startLoad}");
    Console.WriteLine($"Azurite {azurite.ProcessId} (tables :{azurite.TablePort}), app in-process on {baseUrl}, {Environment.ProcessorCount} cores");
    Console.WriteLine($"Models of {smallCount:N0} and {largeCount:N0} records; {Due} due records per check; 2 warm-up checks, then {4 * rounds} measured in ABBA order");
    Console.WriteLine();

    var small = new BenchModel("x_small", smallCount);
    var large = new BenchModel("x_large", largeCount);
    const int warmUps = 2; // one unmeasured check per model first (JIT, connections)
    var order = new[] { small, large }.Concat(Enumerable.Range(0, 4 * rounds).Select(i => i % 4 is 0 or 3 ? small : large)).ToList();
    // Checks 10 minutes apart on the app's clock, the first an hour after the build started at +5 min (the build may take
    // several checks: the clock runs on at real speed meanwhile, and no due moment falls before +1 h).
    var runTimes = order.Select((_, i) => start + TimeSpan.FromHours(1) + TimeSpan.FromMinutes(10 * (i + 1))).ToList();
    foreach (var model in new[] { small, large })
    {
        await SendAsync(http, HttpMethod.Put, $"/api/admin/models/{model.Name}",
            """{"fields": {"name": {"type": "char"}, "x_date": {"type": "datetime"}, "x_done": {"type": "boolean"}}}""", HttpStatusCode.Created);
        var clock0 = Stopwatch.StartNew();
        await SeedAsync(host, tables, model, order, runTimes);
        Console.WriteLine($"Seeded {model.Name}: {model.Count:N0} records in {clock0.Elapsed.TotalSeconds:F1} s (raw entity-group inserts)");
    }

    clock.Set(start);
    var rules = new Dictionary<BenchModel, long>();
    foreach (var model in new[] { small, large })
    {
        var rule = await SendAsync(http, HttpMethod.Post, "/api/admin/rules", new JsonObject
        {
            ["name"] = $"An hour after x_date ({model.Name})",
            ["model"] = model.Name,
            ["trigger"] = "on_time",
            ["trg_date_id"] = "x_date",
            ["trg_date_range"] = 1,
            ["trg_date_range_type"] = "hour",
            ["action_server_ids"] = new JsonArray(new JsonObject
            {
                ["name"] = "Done",
                ["state"] = "object_write",
                ["update_path"] = "x_done",
                ["update_boolean_value"] = "true",
            }),
        }.ToJsonString(), HttpStatusCode.Created);
        rules[model] = rule["id"]!.GetValue<long>();
    }

    // The first checks build both indexes (a rule's activation needs it once, within each check's time budget); nothing is
    // due yet.
    clock.Set(start + TimeSpan.FromMinutes(5));
    var buildMs = new Dictionary<BenchModel, double> { [small] = 0, [large] = 0 };
    var buildChecks = 0;
    while (true)
    {
        if (clock.GetUtcNow() > start + TimeSpan.FromMinutes(55))
        {
            throw new InvalidOperationException("The index build did not finish within 50 minutes of the app's clock.");
        }

        buildChecks++;
        var build = await SendAsync(http, HttpMethod.Post, "/api/admin/scheduler/run", null, HttpStatusCode.OK);
        foreach (var model in new[] { small, large })
        {
            buildMs[model] += RuleOf(build, rules[model])["duration_ms"]!.GetValue<double>();
        }

        if (build["status"]!.GetValue<string>() == "done")
        {
            break;
        }

        if (build["rules"]!.AsArray().Any(r => r!["status"]!.GetValue<string>() is not ("indexing" or "incomplete" or "done")))
        {
            throw new InvalidOperationException($"The build check failed: {build.ToJsonString()}");
        }
    }

    foreach (var model in new[] { small, large })
    {
        Console.WriteLine($"Index build for {model.Name}: {buildMs[model] / 1000:F1} s ({buildChecks} check(s))");
    }

    Console.WriteLine();
    var measured = new List<(BenchModel Model, double Ms, long Entities, long Requests, long Entries, long Records)>();
    for (var i = 0; i < order.Count; i++)
    {
        await counter.SettleAsync(TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(30));
        clock.Set(runTimes[i]);
        counter.Reset();
        var watch = Stopwatch.StartNew();
        var run = await SendAsync(http, HttpMethod.Post, "/api/admin/scheduler/run", null, HttpStatusCode.OK);
        watch.Stop();
        var (entities, requests) = counter.Read();
        var model = order[i];
        var other = model == small ? large : small;
        var check = RuleOf(run, rules[model]);
        if (check["processed"]!.GetValue<int>() != Due || RuleOf(run, rules[other])["processed"]!.GetValue<int>() != 0 || run["status"]!.GetValue<string>() != "done")
        {
            throw new InvalidOperationException($"Check {i + 1} did not process exactly the {Due} due records of {model.Name}: {run.ToJsonString()}");
        }

        var warm = i < warmUps;
        if (!warm)
        {
            measured.Add((model, watch.Elapsed.TotalMilliseconds, entities, requests, check["entries_read"]!.GetValue<long>(), check["records_read"]!.GetValue<long>()));
        }

        Console.WriteLine($"{(warm ? "warm-up" : "check " + (i - warmUps + 1).ToString(CultureInfo.InvariantCulture)),-8}: {model.Name,-8} " +
            $"{watch.Elapsed.TotalMilliseconds,7:F0} ms (its rule {check["duration_ms"]!.GetValue<double>(),6:F0} ms)  {entities,6:N0} entities read  {requests,6:N0} requests  " +
            $"(index entries {check["entries_read"]}, records {check["records_read"]})");
    }

    // What selecting without the index costs: reading every record of the model (Odoo's search over the table).
    var scans = new Dictionary<BenchModel, (double Ms, long Entities)>();
    foreach (var model in new[] { small, large })
    {
        var watch = Stopwatch.StartNew();
        long read = 0;
        await foreach (var _ in tables.GetTableClient(RecordEntities.TableName).QueryAsync(RecordEntities.ModelFilter(model.Name), 1000))
        {
            read++;
        }

        scans[model] = (watch.Elapsed.TotalMilliseconds, read);
    }

    double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    var smallMs = Median(measured.Where(m => m.Model == small).Select(m => m.Ms));
    var largeMs = Median(measured.Where(m => m.Model == large).Select(m => m.Ms));
    var smallEntities = measured.Where(m => m.Model == small).Average(m => m.Entities);
    var largeEntities = measured.Where(m => m.Model == large).Average(m => m.Entities);
    var smallRequests = measured.Where(m => m.Model == small).Average(m => m.Requests);
    var largeRequests = measured.Where(m => m.Model == large).Average(m => m.Requests);
    var entityRatio = largeEntities / smallEntities;
    var timeRatio = largeMs / smallMs;

    Console.WriteLine();
    Console.WriteLine($"| check with {Due} due records | model of {smallCount:N0} (baseline) | model of {largeCount:N0} | ratio | target |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    Console.WriteLine($"| entities read (mean) | {smallEntities:N0} | {largeEntities:N0} | **{entityRatio:F2}×** | ≤ {Target}× |");
    Console.WriteLine($"| wall time (median) | {smallMs:N0} ms | {largeMs:N0} ms | **{timeRatio:F2}×** | ≤ {Target}× |");
    Console.WriteLine($"| storage requests (mean) | {smallRequests:N0} | {largeRequests:N0} | {largeRequests / smallRequests:F2}× | |");
    Console.WriteLine($"| without the index: reading the model | {scans[small].Entities:N0} entities, {scans[small].Ms:N0} ms | " +
                      $"{scans[large].Entities:N0} entities, {scans[large].Ms:N0} ms | {(double)scans[large].Entities / scans[small].Entities:F0}× | |");
    var pass = entityRatio <= Target && timeRatio <= Target;
    Console.WriteLine();
    Console.WriteLine($"Load average (1, 5, 15 min): {LoadAverage()} at the start: {startLoad}");
    Console.WriteLine(pass ? $"PASS: both ratios ≤ {Target}" : $"FAIL: a ratio is above {Target}");
    return pass ? 0 : 1;
}

// Records with explicit ids 1…N straight into the records table, 100 per entity-group transaction: x_date places each
// record either in the checks planned for its model (100 per check, moments spread over its last 8 minutes), a year or
// so in the past (before the rule's activation), or a year or so ahead (after the last check).
async Task SeedAsync(WebApplication host, TableServiceClient tables, BenchModel model, List<BenchModel> order, List<DateTimeOffset> runTimes)
{
    var definition = (await host.Services.GetRequiredService<IModelRegistry>().FindAsync(model.Name, CancellationToken.None))!;
    var dueTimes = new List<DateTime>();
    for (var i = 0; i < order.Count; i++)
    {
        if (order[i] == model)
        {
            for (var j = 0; j < Due; j++)
            {
                dueTimes.Add((runTimes[i] - TimeSpan.FromHours(1) - TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(j * 4.8)).UtcDateTime);
            }
        }
    }

    var random = new Random(model.Count);
    var created = (start - TimeSpan.FromDays(400)).UtcDateTime;
    var records = tables.GetTableClient(RecordEntities.TableName);
    var batches = Enumerable.Range(0, (model.Count + 99) / 100).ToList();
    await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, token) =>
    {
        var actions = new List<TableTransactionAction>();
        for (var id = batch * 100 + 1L; id <= Math.Min(model.Count, (batch + 1) * 100L); id++)
        {
            var index = (int)(id - 1);
            DateTime date;
            lock (random)
            {
                date = index < dueTimes.Count ? dueTimes[index]
                    : index % 2 == 0 ? (start - TimeSpan.FromDays(1 + random.NextDouble() * 365)).UtcDateTime
                    : (start + TimeSpan.FromDays(2 + random.NextDouble() * 365)).UtcDateTime;
            }

            var values = new Dictionary<string, object?> { ["name"] = $"{model.Name} {id}", ["x_date"] = DateTime.SpecifyKind(date, DateTimeKind.Utc) };
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, RecordEntities.ToEntity(definition, id, values, created, created)));
        }

        await records.SubmitTransactionAsync(actions, token);
    });
    await host.Services.GetRequiredService<IdAllocator>().ReserveThroughAsync(model.Name, model.Count, CancellationToken.None);
}

static string LoadAverage()
{
    try
    {
        return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "n/a";
    }
}

static JsonObject RuleOf(JsonObject run, long ruleId) =>
    run["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<long>() == ruleId)!.AsObject();

static async Task<JsonObject> SendAsync(HttpClient http, HttpMethod method, string url, string? json, HttpStatusCode expected)
{
    using var request = new HttpRequestMessage(method, new Uri(url.TrimStart('/'), UriKind.Relative));
    if (json is not null)
    {
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    }

    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    return response.StatusCode == expected
        ? JsonNode.Parse(text.Length == 0 ? "{}" : text)!.AsObject()
        : throw new InvalidOperationException($"{method} {url} answered {(int)response.StatusCode}: {text}");
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record BenchModel(string Name, int Count);

/// <summary>The app's clock: set to a moment, it runs on from there at real speed.</summary>
internal sealed class BenchClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _setTo = start;
    private long _setAt = Stopwatch.GetTimestamp();

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _setTo + Stopwatch.GetElapsedTime(_setAt);
        }
    }

    public void Set(DateTimeOffset at)
    {
        lock (_gate)
        {
            _setTo = at;
            _setAt = Stopwatch.GetTimestamp();
        }
    }
}

/// <summary>Counts the app's table requests and the entities its reads return (a query page's items, or one entity).</summary>
internal sealed class EntityCounter(int tablePort) : HttpPipelinePolicy
{
    private long _entities;
    private long _requests;

    public void Reset()
    {
        Interlocked.Exchange(ref _entities, 0);
        Interlocked.Exchange(ref _requests, 0);
    }

    public (long Entities, long Requests) Read() => (Interlocked.Read(ref _entities), Interlocked.Read(ref _requests));

    /// <summary>Waits until the app has made no table request for <paramref name="quiet"/> (at most <paramref name="limit"/>).</summary>
    public async Task SettleAsync(TimeSpan quiet, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        var last = Interlocked.Read(ref _requests);
        var since = Stopwatch.StartNew();
        while (since.Elapsed < quiet && deadline.Elapsed < limit)
        {
            await Task.Delay(100);
            var now = Interlocked.Read(ref _requests);
            if (now != last)
            {
                last = now;
                since.Restart();
            }
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Count(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        Count(message);
    }

    private void Count(HttpMessage message)
    {
        if (message.Request.Uri.Port != tablePort)
        {
            return;
        }

        Interlocked.Increment(ref _requests);
        if (message.Request.Method != RequestMethod.Get || message.Response.Status != 200 || message.Response.Content is not { } content)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(content.ToMemory());
            Interlocked.Add(ref _entities, document.RootElement.TryGetProperty("value", out var items) ? items.GetArrayLength() : 1);
        }
        catch (JsonException)
        {
            // Not an entity body.
        }
    }
}
