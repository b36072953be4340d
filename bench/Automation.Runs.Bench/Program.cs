using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Rules;
using Automation.Functions;
using Automation.Functions.Hosting;
using Automation.Runs.Bench;
using Automation.Storage;
using Automation.Storage.Emulator;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Automation.Testing;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

// Issue #10 benchmark: "Listing the last 100 runs of a rule with 1,000,000 runs stored returns in one storage page (the
// key design makes newest first per rule a prefix scan)". The run log is seeded with the real run-record entity
// (TableRunLog.EntityOf) in 100-entity transactions; the list is made both through TableRunLog.QueryAsync (what the API
// calls) and through the real API, GET /api/admin/runs?rule_id=&limit=100, of the app running in this process. Storage
// requests are counted on both pipelines. Baseline, same run: the same list for a rule with 1,000 runs, measured before
// the million is seeded and again, alternating with the big rule, after.
// Usage: dotnet run -c Release --project bench/Automation.Runs.Bench -- [--runs 1000000] [--baseline 1000] [--samples 20] [--concurrency 8]
const int Limit = 100;

var total = Arg("--runs", 1_000_000);
var baselineRuns = Arg("--baseline", 1_000);
var samples = Arg("--samples", 20);
var concurrency = Arg("--concurrency", 8);

// A million entities are more than Azurite's periodic save to disk can serialize: keep them in memory, with room.
Environment.SetEnvironmentVariable("NODE_OPTIONS", "--max-old-space-size=8192");
var location = Path.Combine(Path.GetTempPath(), "automation-runs-bench-" + Guid.NewGuid().ToString("N"));
var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location, InMemoryPersistence = true });
var connectionString = azurite.ConnectionString;
var adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
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
    exitCode = await RunAsync(baseUrl);
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

async Task<int> RunAsync(string baseUrl)
{
    var benchRequests = new RequestCounter(azurite.TablePort);
    var benchOptions = new StorageClientOptions();
    benchOptions.AddPolicy(benchRequests, HttpPipelinePosition.PerRetry);
    var table = new TableServiceClient(azurite.Connection, benchOptions).GetTableClient(TableRunLog.TableName);
    var runLog = new TableRunLog(table);
    using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);

    Console.WriteLine($"Azurite {azurite.ProcessId} (tables :{azurite.TablePort}, in memory), app in-process on {baseUrl}");
    Console.WriteLine($"{Environment.ProcessorCount} cores, load average at start: {LoadAverage()}");
    var small = await CreateRuleAsync(http, "Baseline: 1,000 runs");
    var big = await CreateRuleAsync(http, "Target: 1,000,000 runs");
    Console.WriteLine($"Rules {small} (baseline, {baselineRuns:N0} runs) and {big} (target, {total:N0} runs)");
    Console.WriteLine();

    var newest = DateTime.UtcNow.AddMinutes(-1);
    await SeedAsync(small, baselineRuns, newest, "baseline");
    var alone = await MeasureAsync($"rule with {baselineRuns:N0} runs, table holds {baselineRuns:N0}", small, baselineRuns, newest, samples);

    var seeded = await SeedAsync(big, total, newest, "target");

    // ABBA: the baseline rule and the big rule alternate, so drift (other builds on the machine) hits both alike.
    var baseline = new Measurement();
    var target = new Measurement();
    var rounds = Math.Max(1, samples / 2);
    for (var round = 0; round < rounds; round++)
    {
        var order = round % 2 == 0 ? new[] { false, true, true, false } : [true, false, false, true];
        foreach (var isBig in order)
        {
            var m = await MeasureAsync(null, isBig ? big : small, isBig ? total : baselineRuns, newest, 1, quiet: true);
            (isBig ? target : baseline).Add(m);
        }
    }

    Console.WriteLine();
    Console.WriteLine($"| list the last {Limit} runs of a rule (load average {LoadAverage()}) | storage requests (pages) per list | TableRunLog.QueryAsync p50 / p95 | API GET /api/admin/runs p50 / p95 | app table requests per API call |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    Row($"baseline: rule with {baselineRuns:N0} runs, table holds {baselineRuns:N0}", alone);
    Row($"baseline: rule with {baselineRuns:N0} runs, table holds {baselineRuns + total:N0}", baseline);
    Row($"**target: rule with {total:N0} runs**", target);
    Console.WriteLine();
    Console.WriteLine($"Ratio target / baseline (same table, ABBA): TableRunLog p50 {target.DirectP50 / baseline.DirectP50:F2}x, API p50 {target.ApiP50 / baseline.ApiP50:F2}x; " +
                      $"target / baseline with {baselineRuns:N0} rows stored: TableRunLog p50 {target.DirectP50 / alone.DirectP50:F2}x, API p50 {target.ApiP50 / alone.ApiP50:F2}x");
    Console.WriteLine($"Seeding: {total:N0} runs in {seeded.TotalSeconds:F0} s ({total / seeded.TotalSeconds:N0} runs/s, {total / 100:N0} transactions of 100, {concurrency} concurrent)");
    Console.WriteLine($"Load average at the end: {LoadAverage()}");

    var onePage = target.Pages.All(p => p == 1) && baseline.Pages.All(p => p == 1) && alone.Pages.All(p => p == 1);
    Console.WriteLine(onePage
        ? $"PASS: every list of the last {Limit} runs took one storage page (one query request), with {total:N0} runs stored for the rule."
        : $"FAIL: a list took more than one storage page: {string.Join(", ", target.Pages)}");
    return onePage ? 0 : 1;

    void Row(string label, Measurement m) =>
        Console.WriteLine($"| {label} | {m.Pages.Max()} ({m.Pages.Min()}–{m.Pages.Max()}) | {m.DirectP50:F1} / {m.DirectP95:F1} ms | " +
                          $"{m.ApiP50:F1} / {m.ApiP95:F1} ms | {m.ApiRequests.Min()}–{m.ApiRequests.Max()} (median {m.ApiRequests.Order().ElementAt(m.ApiRequests.Count / 2)}: {string.Join(", ", m.ApiKinds)}) |");

    async Task<TimeSpan> SeedAsync(long ruleId, int count, DateTime newestAt, string what)
    {
        // Run i is the i-th newest; batches go out roughly in key order (newest first), as Azurite's indexes like best.
        var spacing = TimeSpan.FromDays(30).Ticks / Math.Max(count, 1);
        var batches = (count + 99) / 100;
        var next = -1;
        var done = 0;
        var clock = Stopwatch.StartNew();
        var lastReport = clock.Elapsed;
        var progress = new object();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int batch;
            while ((batch = Interlocked.Increment(ref next)) < batches)
            {
                var actions = new List<TableTransactionAction>(100);
                for (var i = batch * 100; i < Math.Min(count, (batch + 1) * 100); i++)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, TableRunLog.EntityOf(Run(ruleId, i, newestAt.AddTicks(-i * spacing)))));
                }

                await table.SubmitTransactionAsync(actions);
                var finished = Interlocked.Add(ref done, actions.Count);
                if (finished % 100_000 < actions.Count)
                {
                    lock (progress)
                    {
                        var now = clock.Elapsed;
                        Console.WriteLine($"  seeded {finished:N0} / {count:N0} {what} runs in {now.TotalSeconds:F0} s " +
                                          $"({100_000 / Math.Max((now - lastReport).TotalSeconds, 0.001):N0} runs/s lately)");
                        lastReport = now;
                    }
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        Console.WriteLine($"Seeded {count:N0} {what} runs in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:N0} runs/s)");
        return clock.Elapsed;
    }

    async Task<Measurement> MeasureAsync(string? label, long ruleId, int count, DateTime newestAt, int times, bool quiet = false)
    {
        var m = new Measurement();
        if (!quiet)
        {
            await ListOnceAsync(ruleId, count, newestAt, new Measurement()); // warm-up
        }

        for (var i = 0; i < times; i++)
        {
            await ListOnceAsync(ruleId, count, newestAt, m);
        }

        if (label is not null)
        {
            Console.WriteLine($"{label}: {m.Pages.Max()} page(s), TableRunLog p50 {m.DirectP50:F1} ms, API p50 {m.ApiP50:F1} ms");
        }

        return m;
    }

    async Task ListOnceAsync(long ruleId, int count, DateTime newestAt, Measurement m)
    {
        var before = benchRequests.Snapshot();
        var clock = Stopwatch.StartNew();
        var page = await runLog.QueryAsync([ruleId], null, Limit, null, CancellationToken.None);
        var direct = clock.Elapsed.TotalMilliseconds;
        var used = RequestCounter.Difference(benchRequests.Snapshot(), before);
        Check(page.Runs.Select(r => r.Key).ToList(), ruleId, count, newestAt);

        var appBefore = appRequests.Snapshot();
        clock.Restart();
        using var response = await http.GetAsync($"/api/admin/runs?rule_id={ruleId}&limit={Limit}");
        var text = await response.Content.ReadAsStringAsync();
        var api = clock.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /api/admin/runs answered {(int)response.StatusCode}: {text}");
        }

        // Table requests only: the app's queue listeners poll in the background meanwhile.
        var appUsed = RequestCounter.Difference(appRequests.Snapshot(), appBefore)
            .Where(p => p.Key.StartsWith("table", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var ids = JsonNode.Parse(text)!["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        Check(ids.Select(id => id[(id.IndexOf('-', StringComparison.Ordinal) + 1)..]).ToList(), ruleId, count, newestAt);
        m.Add(direct, (int)used.Values.Sum(t => t.Count), api, (int)appUsed.Values.Sum(t => t.Count),
            appUsed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Value.Count} {p.Key}"));
    }

    void Check(List<string> keys, long ruleId, int count, DateTime newestAt)
    {
        // The 100 newest, newest first: exactly the keys of runs 0…99.
        var spacing = TimeSpan.FromDays(30).Ticks / Math.Max(count, 1);
        var expected = Enumerable.Range(0, Math.Min(Limit, count)).Select(i => Run(ruleId, i, newestAt.AddTicks(-i * spacing)).Key).ToList();
        if (!keys.SequenceEqual(expected, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"Rule {ruleId}: the list is not the {Limit} newest runs, newest first (first key {keys.FirstOrDefault()}, expected {expected[0]}).");
        }
    }
}

static RuleRun Run(long ruleId, int i, DateTime at)
{
    // The shape the engine writes for a webhook or event run of a one-action rule; one run in 20 failed.
    var failed = i % 20 == 7;
    var sourceId = string.Create(CultureInfo.InvariantCulture, $"{at.Ticks:D19}-{ruleId}-{i:x8}");
    var error = failed ? "Currency: USD: ValueError: Missing required fields: 'name' and 'email'" : null;
    return new RuleRun
    {
        RuleId = ruleId,
        Key = RuleRun.KeyFor(sourceId, at),
        SourceId = sourceId,
        Model = "sale.order",
        RecordIds = [1 + (i % 12)],
        Status = failed ? RuleRun.Failed : RuleRun.Done,
        ActionsDone = failed ? 0 : 1,
        Outcomes = [new ActionOutcome("Currency: USD", "object_write", failed ? RuleRun.Failed : RuleRun.Done, error, 3.2 + (i % 7))],
        Error = error,
        ChainId = sourceId,
        StartedAt = at,
        FinishedAt = at.AddMilliseconds(40),
        Uid = 1,
    };
}

static async Task<long> CreateRuleAsync(HttpClient http, string name)
{
    var body = new JsonObject
    {
        ["name"] = name,
        ["model"] = "res.partner",
        ["trigger"] = "on_create",
        ["active"] = false,
        ["action_server_ids"] = new JsonArray(new JsonObject { ["name"] = "Note", ["state"] = "object_write", ["update_path"] = "comment", ["value"] = "seen" }),
    };
    using var response = await http.PostAsync("/api/admin/rules", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
    var text = await response.Content.ReadAsStringAsync();
    return response.StatusCode == HttpStatusCode.Created
        ? JsonNode.Parse(text)!["id"]!.GetValue<long>()
        : throw new InvalidOperationException($"Creating a rule answered {(int)response.StatusCode}: {text}");
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

int Arg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

namespace Automation.Runs.Bench
{
    /// <summary>Latencies and request counts of repeated list calls.</summary>
    internal sealed class Measurement
    {
        private readonly List<double> _direct = [];
        private readonly List<double> _api = [];

        public List<int> Pages { get; } = [];

        public List<int> ApiRequests { get; } = [];

        public IReadOnlyList<string> ApiKinds { get; private set; } = [];

        public double DirectP50 => Percentile(_direct, 0.50);

        public double DirectP95 => Percentile(_direct, 0.95);

        public double ApiP50 => Percentile(_api, 0.50);

        public double ApiP95 => Percentile(_api, 0.95);

        public void Add(double direct, int pages, double api, int apiRequests, IEnumerable<string> apiKinds)
        {
            _direct.Add(direct);
            Pages.Add(pages);
            _api.Add(api);
            ApiRequests.Add(apiRequests);
            ApiKinds = apiKinds.ToList();
        }

        public void Add(Measurement other)
        {
            _direct.AddRange(other._direct);
            _api.AddRange(other._api);
            Pages.AddRange(other.Pages);
            ApiRequests.AddRange(other.ApiRequests);
            ApiKinds = other.ApiKinds;
        }

        private static double Percentile(List<double> values, double p)
        {
            if (values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = values.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }
}
