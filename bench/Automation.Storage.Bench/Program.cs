using System.Diagnostics;
using System.Globalization;
using Automation.Storage;
using Automation.Storage.Bench;
using Automation.Storage.Emulator;
using Automation.Storage.Tables;

// Issue #2 benchmark: our Table/Queue clients against raw signed HttpClient requests doing the same operations,
// 8 concurrent, in the same run, in ABBA rounds so drift hits both sides alike.
// Usage: dotnet run -c Release --project bench/Automation.Storage.Bench -- [--seconds N] [--rounds N] [--concurrency N]
var seconds = Arg("--seconds", 4);
var rounds = Arg("--rounds", 4);
var concurrency = Arg("--concurrency", 8);

var location = Path.Combine(Path.GetTempPath(), "automation-bench-" + Guid.NewGuid().ToString("N"));
await using var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location });
var connection = azurite.Connection;
var tables = new TableServiceClient(connection);
var queues = new Automation.Storage.Queues.QueueServiceClient(connection);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
var raw = new RawStorage(http, StorageConnection.DevelopmentAccountName, StorageConnection.DevelopmentAccountKey,
    connection.TableEndpoint.ToString().TrimEnd('/'), connection.QueueEndpoint.ToString().TrimEnd('/'));

var table = tables.GetTableClient("bench");
await table.CreateIfNotExistsAsync();
var queue = queues.GetQueueClient("bench");
await queue.CreateIfNotExistsAsync();
var payload = new string('x', 500);

// Entities for point reads, written once.
const int readable = 1000;
for (var i = 0; i < readable; i += 100)
{
    await table.SubmitTransactionAsync(Enumerable.Range(i, 100)
        .Select(n => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("read", $"r{n:D5}") { ["Data"] = payload, ["N"] = n }))
        .ToList());
}

var insertJson = (string pk, string rk) => $"{{\"PartitionKey\":\"{pk}\",\"RowKey\":\"{rk}\",\"Data\":\"{payload}\",\"N\":1}}";
var scenarios = new (string Name, Func<int, Task> Raw, Func<int, Task> Ours)[]
{
    ("table insert", w => raw.InsertAsync("bench", $"w{w}", Guid.NewGuid().ToString("N"), insertJson($"w{w}", Guid.NewGuid().ToString("N"))),
        w => table.AddEntityAsync(new TableEntity($"w{w}", Guid.NewGuid().ToString("N")) { ["Data"] = payload, ["N"] = 1 })),
    ("point read", _ => raw.ReadAsync("bench", "read", $"r{Random.Shared.Next(readable):D5}"),
        _ => table.GetEntityAsync("read", $"r{Random.Shared.Next(readable):D5}")),
    ("queue send+receive+delete", _ => raw.QueueCycleAsync("bench", "{\"event\":1}"),
        async _ =>
        {
            await queue.SendMessageAsync("{\"event\":1}");
            while (true)
            {
                var got = await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30));
                if (got.Count == 1)
                {
                    await queue.DeleteMessageAsync(got[0].MessageId, got[0].PopReceipt);
                    return;
                }
            }
        }),
};

Console.WriteLine($"Azurite {azurite.ProcessId} on loopback, {concurrency} concurrent, {rounds} rounds x {seconds} s per side, {Environment.ProcessorCount} cores");
Console.WriteLine();
Console.WriteLine($"{"operation",-28}{"raw HttpClient ops/s",22}{"our client ops/s",20}{"ours/raw",10}{"overhead",10}");
var failed = false;
foreach (var (name, rawOp, ourOp) in scenarios)
{
    await MeasureAsync(rawOp, 1); // warm-up both paths
    await MeasureAsync(ourOp, 1);
    double rawOps = 0, ourOps = 0;
    for (var r = 0; r < rounds; r++)
    {
        // ABBA order: whichever side runs second in a round runs first in the next.
        if (r % 2 == 0)
        {
            rawOps += await MeasureAsync(rawOp, seconds);
            ourOps += await MeasureAsync(ourOp, seconds);
        }
        else
        {
            ourOps += await MeasureAsync(ourOp, seconds);
            rawOps += await MeasureAsync(rawOp, seconds);
        }
    }

    rawOps /= rounds;
    ourOps /= rounds;
    var overhead = (rawOps - ourOps) / rawOps;
    failed |= overhead > 0.10;
    Console.WriteLine($"{name,-28}{rawOps,22:N0}{ourOps,20:N0}{ourOps / rawOps,10:P0}{overhead,10:P1}");
}

Console.WriteLine();
Console.WriteLine("Azurite's ceiling on this machine is the raw column: the baseline the rest of the project is measured against.");
Console.WriteLine(failed ? "RESULT: overhead above the 10 % target" : "RESULT: overhead within the 10 % target");
try
{
    Directory.Delete(location, true);
}
catch (IOException)
{
}

return failed ? 1 : 0;

async Task<double> MeasureAsync(Func<int, Task> op, int duration)
{
    var count = 0L;
    var stop = Stopwatch.StartNew();
    var until = TimeSpan.FromSeconds(duration);
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
    {
        while (stop.Elapsed < until)
        {
            await op(w);
            Interlocked.Increment(ref count);
        }
    }));
    return count / stop.Elapsed.TotalSeconds;
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
