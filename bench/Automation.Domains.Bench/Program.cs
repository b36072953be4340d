using System.Diagnostics;
using System.Globalization;
using Automation.Core.Domains;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Domains.Bench;
using Automation.Storage.Emulator;
using Automation.Storage.Queues;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Microsoft.Extensions.Logging.Abstractions;

// Issue #5 benchmark: (1) in-memory evaluation of a compiled 3-leaf domain on one core, (2) entities a search reads
// from storage with a pushed-down leaf versus a full scan, 50,000 records in one partition, 1 % matching.
// Usage: dotnet run -c Release --project bench/Automation.Domains.Bench -- [--evaluations N] [--records N]
var evaluations = Arg("--evaluations", 20_000_000);
var recordCount = Arg("--records", 50_000);

var model = new ModelDefinition("x_bench",
[
    new FieldDefinition { Name = "name", Type = FieldType.Char },
    new FieldDefinition { Name = "state", Type = FieldType.Selection },
    new FieldDefinition { Name = "qty", Type = FieldType.Integer },
    new FieldDefinition { Name = "active", Type = FieldType.Boolean },
    new FieldDefinition { Name = "bucket", Type = FieldType.Integer },
]);

// 1. In-memory evaluation.
var local = DomainCompiler.Compile(model, Domain.Parse("[('state', '=', 'draft'), ('qty', '>', 5), ('active', '=', True)]"), _ => null);
var record = new RecordData(model.Name, 1, new Dictionary<string, object?>(StringComparer.Ordinal)
{
    ["name"] = "Bench",
    ["state"] = "draft",
    ["qty"] = 7L,
    ["active"] = true,
    ["bucket"] = 3L,
});
var predicate = local.Predicate!;
for (var i = 0; i < 1_000_000; i++)
{
    predicate(record); // warm-up: tiered JIT and PGO settle before timing
}

var matched = 0L;
var allocated = GC.GetAllocatedBytesForCurrentThread();
var watch = Stopwatch.StartNew();
for (var i = 0; i < evaluations; i++)
{
    if (predicate(record))
    {
        matched++;
    }
}

watch.Stop();
allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"in-memory: {evaluations:N0} evaluations of a 3-leaf domain in {watch.Elapsed.TotalMilliseconds:N0} ms = {evaluations / watch.Elapsed.TotalSeconds / 1e6:N2} M/s on one core, {allocated / (double)evaluations:N3} bytes allocated per evaluation ({matched:N0} matched)"));

// 2. Pushdown against a full scan on Azurite.
var location = Path.Combine(Path.GetTempPath(), "automation-domains-bench-" + Guid.NewGuid().ToString("N"));
await using var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location });
var tables = new TableServiceClient(azurite.Connection);
var queues = new QueueServiceClient(azurite.Connection);
var records = tables.GetTableClient("records");
await records.CreateIfNotExistsAsync();
var queue = queues.GetQueueClient("events");
await queue.CreateIfNotExistsAsync();
var idTable = tables.GetTableClient("ids");
await idTable.CreateIfNotExistsAsync();
var modelTable = tables.GetTableClient("models");
await modelTable.CreateIfNotExistsAsync();
var events = new PendingEvents(records, queue, TimeProvider.System);
await using var publisher = new EventPublisher(events, NullLogger<EventPublisher>.Instance);
await using var commits = new GroupCommit(records);
var registry = new TableModelRegistry(modelTable, TimeProvider.System);
var store = new CountingRecordStore(new TableRecordStore(records, new IdAllocator(idTable, TimeProvider.System), events, publisher, commits,
    new SequenceNumbers(records), registry, TimeProvider.System, NullLogger<TableRecordStore>.Instance));

watch.Restart();
var now = DateTime.UtcNow;
var batches = Enumerable.Range(0, (recordCount + 99) / 100).ToList();
await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, ct) =>
{
    var actions = Enumerable.Range(batch * 100 + 1, Math.Min(100, recordCount - batch * 100)).Select(id =>
        new TableTransactionAction(TableTransactionActionType.Add, RecordEntities.ToEntity(model, id, new Dictionary<string, object?>
        {
            ["name"] = "Record " + id.ToString(CultureInfo.InvariantCulture),
            ["state"] = id % 2 == 0 ? "draft" : "done",
            ["qty"] = (long)(id % 10),
            ["active"] = true,
            ["bucket"] = (long)(id % 100),
        }, now, now))).ToList();
    await records.SubmitTransactionAsync(actions, ct);
});
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded {recordCount:N0} records in {watch.Elapsed.TotalSeconds:N1} s"));

var pushed = DomainCompiler.Compile(model, Domain.Parse("[('bucket', '=', 7)]"), _ => null);
var expected = await MeasureAsync("pushed-down leaf", pushed);
var mixed = DomainCompiler.Compile(model, Domain.Parse("[('bucket', '=', 7), ('name', 'ilike', '07')]"), _ => null);
await MeasureAsync("pushed leaf + in-memory remainder", mixed);

// The full scan: the same domain with nothing pushed down (every entity read, filtered in memory).
store.EntitiesRead = 0;
store.Requests = 0;
watch.Restart();
var scanned = 0;
string? cursor = null;
do
{
    var page = await store.ListAsync(model, null, 1000, cursor, CancellationToken.None);
    scanned += page.Records.Count(pushed.Matches);
    cursor = page.NextCursor;
}
while (cursor is not null);

var full = store.EntitiesRead;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"full scan: {scanned:N0} matches, {full:N0} entities read in {store.Requests:N0} requests, {watch.Elapsed.TotalMilliseconds:N0} ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"pushdown reads {expected.Entities * 100.0 / full:N2} % of the entities a full scan reads (target <= 2 %)"));

async Task<(long Entities, int Matches)> MeasureAsync(string name, CompiledDomain domain)
{
    store.EntitiesRead = 0;
    store.Requests = 0;
    var w = Stopwatch.StartNew();
    var count = 0;
    string? next = null;
    do
    {
        var page = await DomainSearch.SearchAsync(store, domain, 1000, next, CancellationToken.None);
        count += page.Records.Count;
        next = page.NextCursor;
    }
    while (next is not null);

    var plan = DomainPushdown.Split(domain);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: filter \"{plan.Filter}\", {count:N0} matches, {store.EntitiesRead:N0} entities read in {store.Requests:N0} requests, {w.Elapsed.TotalMilliseconds:N0} ms"));
    return (store.EntitiesRead, count);
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
