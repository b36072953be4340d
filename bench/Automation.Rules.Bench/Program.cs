using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Functions;
using Automation.Functions.Hosting;
using Automation.Storage;
using Automation.Storage.Emulator;
using Automation.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Issue #6 benchmark.
// (1) Rule matching: one write event against 200 rules of its model (trigger fields, before-update and apply-on
//     domains), rules cached, no storage round trip (a record source that throws if touched). Target ≤ 200 µs; the
//     baseline in the same run compiles every domain afresh, as the engine did before the compiled-domain cache.
// (2) End to end: 8 concurrent writers PATCH records of a model with one matching rule (one object_write); every
//     write is a rule run, and each writer writes again once its previous run completed (a closed loop, so the load is
//     one the engine sustains). Events/s (runs completed per second, first write to last completion) against the Azurite queue send+receive+delete ceiling at the same concurrency, measured in the same
//     run (target ≥ 40 %), and p99 from the write's commit to the run's completion (target ≤ 1 s).
// Usage: dotnet run -c Release --project bench/Automation.Rules.Bench -- [--seconds N] [--concurrency N]
const double MatchTargetMicroseconds = 200;
const double ThroughputTarget = 0.40;
const double P99TargetSeconds = 1.0;

var seconds = Arg("--seconds", 10);
var concurrency = Arg("--concurrency", 8);

var matching = await MeasureMatchingAsync();

var completions = new Completions();
var location = Path.Combine(Path.GetTempPath(), "automation-rules-bench-" + Guid.NewGuid().ToString("N"));
var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location });
var connectionString = azurite.ConnectionString;
var adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
// Counts the app's storage requests by kind (an interlocked add each), so the output says what one event costs.
var appRequests = new Automation.Testing.RequestCounter(azurite.TablePort);
var appStorageOptions = new StorageClientOptions();
appStorageOptions.AddPolicy(appRequests, Azure.Core.HttpPipelinePosition.PerRetry);
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
    ], builder =>
    {
        // Completion news without polling: the run log tells the writers when a run finishes.
        var original = builder.Services.Last(d => d.ServiceType == typeof(IRunLog));
        builder.Services.Remove(original);
        builder.Services.AddSingleton<IRunLog>(sp => completions.Wrap((IRunLog)original.ImplementationFactory!(sp)));
        builder.Services.AddSingleton(appStorageOptions);
    });
    await app.InitializeAsync();
    await app.StartAsync();
    var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    exitCode = await EndToEndAsync(app, baseUrl) && matching ? 0 : 1;
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

async Task<bool> MeasureMatchingAsync()
{
    var model = new ModelDefinition("x_lead",
    [
        new FieldDefinition { Name = "name", Type = FieldType.Char },
        new FieldDefinition
        {
            Name = "state", Type = FieldType.Selection,
            Selection = [new("draft", "Draft"), new("open", "Open"), new("done", "Done")],
        },
        new FieldDefinition { Name = "priority", Type = FieldType.Boolean },
        new FieldDefinition { Name = "amount", Type = FieldType.Float },
        new FieldDefinition { Name = "user_id", Type = FieldType.Many2one, Relation = "res.users" },
    ]);
    var registry = new FixedModels([model, .. BuiltInModels.All]);
    // A realistic mix: name-watching rules, state-set rules, priority rules with a before-update domain, amount rules.
    var rules = Enumerable.Range(1, 200).Select(i => (i % 4) switch
    {
        0 => Rule(i, ["name"], "", $"[('name', 'ilike', 'deal {i}')]"),
        1 => Rule(i, ["state"], "", "[('state', '=', 'done')]"),
        2 => Rule(i, ["priority"], "[('priority', '=', False)]", "[('priority', '=', True), ('user_id', '!=', False)]"),
        _ => Rule(i, [], "[('amount', '<', 1000)]", $"[('amount', '>=', {i * 10}), ('state', 'in', ['open', 'done'])]"),
    }).ToList();
    var before = new RecordData(model.Name, 7, new Dictionary<string, object?> { ["name"] = "Big deal", ["state"] = "open", ["amount"] = 500.0, ["user_id"] = 2L });
    var after = new RecordData(model.Name, 7, new Dictionary<string, object?> { ["name"] = "Big deal 12", ["state"] = "done", ["amount"] = 1500.0, ["user_id"] = 2L });
    var change = new ChangeEvent
    {
        Id = "bench",
        Kind = ChangeKind.Write,
        Model = model.Name,
        RecordId = 7,
        Changed = ["name", "state", "amount"],
        Actor = new Actor(1),
        Chain = CausalChain.Start(),
        At = DateTime.UtcNow,
    };
    var source = new NoStorage();

    async Task<int> MatchAllAsync(RuleMatcher matcher)
    {
        var matched = 0;
        foreach (var rule in rules)
        {
            if (await matcher.PassesBeforeAsync(rule, model, change, before, source, CancellationToken.None) &&
                await matcher.AppliesAsync(rule, model, after, 1, source, CancellationToken.None))
            {
                matched++;
            }
        }

        return matched;
    }

    var cachedMatcher = new RuleMatcher(registry, TimeProvider.System);
    var matches = await MatchAllAsync(cachedMatcher);
    double Median(Func<RuleMatcher> matcherFor, int iterations)
    {
        var samples = new List<double>();
        for (var round = 0; round < 7; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
            {
                MatchAllAsync(matcherFor()).GetAwaiter().GetResult();
            }

            samples.Add(clock.Elapsed.TotalMicroseconds / iterations);
        }

        samples.Sort();
        return samples[samples.Count / 2];
    }

    Median(() => cachedMatcher, 200); // warm-up
    var cached = Median(() => cachedMatcher, 2000);
    var uncached = Median(() => new RuleMatcher(registry, TimeProvider.System), 20);
    Console.WriteLine($"Rule matching, one write event against {rules.Count} rules ({matches} match), rules and domains cached:");
    Console.WriteLine($"  {cached:N1} µs per event (target ≤ {MatchTargetMicroseconds} µs); compiling every domain afresh: {uncached:N1} µs " +
        $"(cached/uncached = {cached / uncached:N3})");
    Console.WriteLine();
    return cached <= MatchTargetMicroseconds;
}

async Task<bool> EndToEndAsync(WebApplication host, string baseUrl)
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(baseUrl) };
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
    Console.WriteLine($"Azurite (tables :{azurite.TablePort}, queues :{azurite.QueuePort}), app in-process on {baseUrl}; " +
        $"{concurrency} writers, {seconds} s, {Environment.ProcessorCount} cores");

    // The queue ceiling: send + receive + delete cycles at the same concurrency, on its own queue.
    var queues = new QueueServiceClient(StorageConnection.Parse(connectionString));
    var probe = queues.GetQueueClient("bench-ceiling");
    await probe.CreateIfNotExistsAsync();
    async Task QueueCycleAsync()
    {
        await probe.SendMessageAsync("{\"v\":1,\"events\":[]}");
        while (true)
        {
            var got = await probe.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30));
            if (got.Count == 1)
            {
                await probe.DeleteMessageAsync(got[0].MessageId, got[0].PopReceipt);
                return;
            }
        }
    }

    // Measured before and after the pipeline, and averaged: the machine's load drifts.
    await CyclesPerSecondAsync(QueueCycleAsync); // warm-up, discarded: a cold first pass understated the ceiling by up to 40 %
    var ceilingBefore = await CyclesPerSecondAsync(QueueCycleAsync);

    await SendAsync(http, HttpMethod.Put, "/api/admin/models/x_bench", """
        {"fields": {"name": {"type": "char"}, "counter": {"type": "integer"}, "seen": {"type": "integer"}}}
        """, HttpStatusCode.Created);
    var rule = (await SendAsync(http, HttpMethod.Post, "/api/admin/rules", """
        {"name": "Copy the counter", "model": "x_bench", "trigger": "on_write", "trigger_field_ids": ["counter"],
         "action_server_ids": [{"name": "Copy", "state": "object_write", "update_path": "seen",
                                "evaluation_type": "equation", "value": "record.counter"}]}
        """, HttpStatusCode.Created))!["id"]!.GetValue<long>();
    var leads = new long[concurrency];
    for (var i = 0; i < concurrency; i++)
    {
        leads[i] = (await SendAsync(http, HttpMethod.Post, "/api/records/x_bench", $$"""{"name":"writer {{i}}"}""", HttpStatusCode.Created))!["id"]!
            .GetValue<long>();
    }

    // Warm-up writes, then the measured phase.
    for (var i = 0; i < concurrency; i++)
    {
        await SendAsync(http, HttpMethod.Patch, $"/api/records/x_bench/{leads[i]}", """{"counter":-1}""", HttpStatusCode.OK);
    }

    var runs = host.Services.GetRequiredService<IRunLog>();
    await UntilAsync(async () => (await runs.ListAsync(rule, 100, CancellationToken.None)).Count(r => r.Status == RuleRun.Done) >= concurrency);

    var firstWrite = DateTime.UtcNow;
    var requestsBefore = appRequests.Snapshot();
    var writes = 0;
    var patchTimes = new System.Collections.Concurrent.ConcurrentBag<double>();
    var stop = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
    {
        for (var n = 1; stop.Elapsed.TotalSeconds < seconds; n++)
        {
            var done = completions.Expect(rule, leads[w]);
            var sent = Stopwatch.GetTimestamp();
            await SendAsync(http, HttpMethod.Patch, $"/api/records/x_bench/{leads[w]}", $$"""{"counter":{{n}}}""", HttpStatusCode.OK);
            patchTimes.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            Interlocked.Increment(ref writes);
            await done.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }));
    var expected = writes + concurrency;
    // A listing returns one storage page (at most 1,000 runs): page through them all.
    async Task<IReadOnlyList<RuleRun>> AllRunsAsync(long ruleId)
    {
        var log = host.Services.GetRequiredService<Automation.Storage.Records.TableRunLog>();
        var list = new List<RuleRun>();
        Automation.Storage.Records.TableRunLog.RunCursor? after = null;
        do
        {
            var page = await log.QueryAsync([ruleId], null, 1000, after, CancellationToken.None);
            list.AddRange(page.Runs);
            after = page.Next;
        }
        while (after is not null);

        return list;
    }

    IReadOnlyList<RuleRun> all = [];
    try
    {
        await UntilAsync(async () =>
        {
            all = await AllRunsAsync(rule);
            return all.Count(r => r.Status is RuleRun.Done or RuleRun.Failed) >= expected;
        }, TimeSpan.FromMinutes(1));
    }
    catch (TimeoutException)
    {
        Console.WriteLine($"  only {all.Count} runs of {expected} expected ({all.Count(r => r.Status == RuleRun.Running)} running)");
        throw;
    }

    var requestsUsed = Automation.Testing.RequestCounter.Difference(appRequests.Snapshot(), requestsBefore);
    var ceilingAfter = await CyclesPerSecondAsync(QueueCycleAsync);
    var ceiling = (ceilingBefore + ceilingAfter) / 2;
    Console.WriteLine($"  Azurite queue send+receive+delete ceiling: {ceiling:N0} cycles/s (before {ceilingBefore:N0}, after {ceilingAfter:N0})");
    var measured = all.Where(r => EventTime(r.SourceId) >= firstWrite).ToList();
    var failed = measured.Count(r => r.Status != RuleRun.Done);
    var lastDone = measured.Max(r => r.FinishedAt!.Value);
    var eventsPerSecond = measured.Count / (lastDone - firstWrite).TotalSeconds;
    var latencies = measured.Select(r => (r.FinishedAt!.Value - EventTime(r.SourceId)).TotalSeconds).Order().ToList();
    var p50 = latencies[latencies.Count / 2];
    var p99 = latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(latencies.Count * 0.99) - 1)];
    var ratio = eventsPerSecond / ceiling;
    Console.WriteLine($"  {measured.Count:N0} writes, each one rule run ({failed} failed): {eventsPerSecond:N0} events/s sustained = " +
        $"{ratio:P1} of the queue ceiling (target ≥ {ThroughputTarget:P0})");
    Console.WriteLine($"  write commit → run completed: p50 {p50 * 1000:N0} ms, p99 {p99 * 1000:N0} ms (target ≤ {P99TargetSeconds * 1000:N0} ms)");
    static double Med(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
    Console.WriteLine($"  where the time goes (medians): PATCH answered {Med(patchTimes):N0} ms; commit → run claimed " +
        $"{Med(measured.Select(r => (r.StartedAt - EventTime(r.SourceId)).TotalMilliseconds)):N0} ms; claimed → completed " +
        $"{Med(measured.Select(r => (r.FinishedAt!.Value - r.StartedAt).TotalMilliseconds)):N0} ms");
    var perEvent = requestsUsed.OrderByDescending(p => p.Value.Count)
        .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {(double)p.Value.Count / measured.Count:0.00} ({p.Value.MeanMilliseconds:0.0} ms)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  app storage requests per event: {requestsUsed.Values.Sum(v => v.Count) / (double)measured.Count:0.00} = {string.Join(", ", perEvent)}"));
    var final = await SendAsync(http, HttpMethod.Get, $"/api/records/x_bench/{leads[0]}", null, HttpStatusCode.OK);
    Console.WriteLine($"  check: writer 0's record has counter {final!["counter"]} and seen {final["seen"]}");
    return failed == 0 && ratio >= ThroughputTarget && p99 <= P99TargetSeconds && final["counter"]!.GetValue<long>() == final["seen"]!.GetValue<long>();
}

async Task<double> CyclesPerSecondAsync(Func<Task> cycle)
{
    var count = 0;
    var clock = Stopwatch.StartNew();
    var duration = TimeSpan.FromSeconds(Math.Max(3, seconds / 2));
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (clock.Elapsed < duration)
        {
            await cycle();
            Interlocked.Increment(ref count);
        }
    }));
    return count / clock.Elapsed.TotalSeconds;
}

static DateTime EventTime(string eventId) =>
    new(long.Parse(eventId.AsSpan(0, 19), CultureInfo.InvariantCulture), DateTimeKind.Utc);

static async Task UntilAsync(Func<Task<bool>> done, TimeSpan? timeout = null)
{
    var clock = Stopwatch.StartNew();
    while (!await done())
    {
        if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException("The rule runs did not complete in time.");
        }

        await Task.Delay(100);
    }
}

static async Task<JsonNode?> SendAsync(HttpClient http, HttpMethod method, string url, string? json, HttpStatusCode expected)
{
    using var request = new HttpRequestMessage(method, new Uri(url.TrimStart('/'), UriKind.Relative));
    if (json is not null)
    {
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    }

    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    return response.StatusCode == expected
        ? text.Length == 0 ? null : JsonNode.Parse(text)
        : throw new InvalidOperationException($"{method} {url} answered {(int)response.StatusCode}: {text}");
}

static AutomationRule Rule(int id, string[] triggerFields, string pre, string post) => new()
{
    Id = id,
    Name = $"rule {id}",
    Model = "x_lead",
    Trigger = Triggers.OnCreateOrWrite,
    TriggerFieldIds = triggerFields,
    FilterPreDomain = pre,
    FilterDomain = post,
};

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

/// <summary>Tells a writer when the run of its rule on its record completes (the app's run log, decorated).</summary>
internal sealed class Completions
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long Rule, long Record), TaskCompletionSource> _waiting = new();

    public Task Expect(long rule, long record)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[(rule, record)] = source;
        return source.Task;
    }

    public IRunLog Wrap(IRunLog inner) => new Notifying(inner, this);

    private void Finished(RuleRun run)
    {
        if (run.Status is RuleRun.Done or RuleRun.Failed && run.RecordIds.Count == 1 && _waiting.TryRemove((run.RuleId, run.RecordIds[0]), out var source))
        {
            source.TrySetResult();
        }
    }

    private sealed class Notifying(IRunLog inner, Completions completions) : IRunLog
    {
        public Task<RuleRun> ClaimAsync(RuleRun run, TimeSpan lease, CancellationToken cancellationToken) => inner.ClaimAsync(run, lease, cancellationToken);

        public Task<RuleRun?> FindAsync(long ruleId, string key, CancellationToken cancellationToken) => inner.FindAsync(ruleId, key, cancellationToken);

        public async Task SaveAsync(RuleRun run, CancellationToken cancellationToken)
        {
            await inner.SaveAsync(run, cancellationToken);
            completions.Finished(run);
        }

        public Task<IReadOnlyList<RuleRun>> ListAsync(long ruleId, int limit, CancellationToken cancellationToken) =>
            inner.ListAsync(ruleId, limit, cancellationToken);
    }
}

/// <summary>The models of the matching benchmark, fixed in memory.</summary>
internal sealed class FixedModels(IReadOnlyList<ModelDefinition> models) : IModelRegistry
{
    public Task<ModelDefinition?> FindAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(models.FirstOrDefault(m => m.Name == name));

    public Task<IReadOnlyList<ModelDefinition>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(models);

    public Task SaveAsync(ModelDefinition model, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>Proves the matching path makes no storage round trip: any read throws.</summary>
internal sealed class NoStorage : IDomainRecordSource
{
    public Task<IReadOnlyList<RecordData>> LoadAsync(ModelDefinition model, IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Rule matching touched storage.");

    public Task<IReadOnlyList<RecordData>> LoadByInverseAsync(ModelDefinition model, string inverseField, IReadOnlyCollection<long> ids,
        CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Rule matching touched storage.");
}
