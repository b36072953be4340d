using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Deliveries;
using Automation.Core.Webhooks;
using Automation.Functions.Deliveries;
using Automation.Functions.Hosting;
using Automation.Storage.Deliveries;
using Automation.Storage.Emulator;
using Automation.Storage.Queues;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Azure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// Issue #8 benchmark, against its own Azurite.
// (1) Sequence draws: 8 concurrent drawers on one ir.sequence through SequenceNumbers (draws waiting on the same counter share
//     one ETag-guarded merge) against the naive loop (read, merge with the ETag, retry on 412) on another sequence, in ABBA
//     rounds; every number drawn is checked for duplicates. Target: >= 500 numbers/s, no duplicates.
// (2) Deliveries: N outgoing webhooks stored in the outbox, then drained by 8 concurrent workers running the Deliveries queue
//     function (receive, claim, POST to a loopback receiver, settle, delete) against raw HttpClient POSTs of the same body to
//     the same receiver at 8 concurrent. Target: >= 200 deliveries/s sustained.
// Usage: dotnet run -c Release --project bench/Automation.Actions.Bench -- [--seconds N] [--rounds N] [--deliveries N]
const double SequenceTarget = 500;
const double DeliveryTarget = 200;
const int Concurrency = 8;

var seconds = Arg("--seconds", 3);
var rounds = Arg("--rounds", 2);
var deliveries = Arg("--deliveries", 2000);

var location = Path.Combine(Path.GetTempPath(), "automation-actions-bench-" + Guid.NewGuid().ToString("N"));
var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions { Location = location });
var exit = 1;
try
{
    var tables = new TableServiceClient(azurite.Connection);
    var queues = new QueueServiceClient(azurite.Connection);
    var records = tables.GetTableClient(RecordEntities.TableName);
    await records.CreateIfNotExistsAsync();
    var sequencesOk = await SequencesAsync(records);
    var deliveriesOk = await DeliveriesAsync(tables, queues);
    exit = sequencesOk && deliveriesOk ? 0 : 1;
}
finally
{
    await azurite.DisposeAsync();
    try
    {
        Directory.Delete(location, true);
    }
    catch (IOException)
    {
    }
}

return exit;

async Task<bool> SequencesAsync(TableClient records)
{
    await records.AddEntityAsync(Sequence(1, "ours"));
    await records.AddEntityAsync(Sequence(2, "naive"));
    var ours = new SequenceNumbers(records);
    var oursDrawn = new ConcurrentBag<string>();
    var naiveDrawn = new ConcurrentBag<long>();
    double oursTotal = 0, naiveTotal = 0, oursSeconds = 0, naiveSeconds = 0;
    for (var round = 0; round < rounds; round++)
    {
        foreach (var which in round % 2 == 0 ? new[] { "naive", "ours", "ours", "naive" } : ["ours", "naive", "naive", "ours"])
        {
            var clock = Stopwatch.StartNew();
            var until = DateTime.UtcNow.AddSeconds(seconds / 2.0);
            var counts = await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
            {
                var n = 0;
                while (DateTime.UtcNow < until)
                {
                    if (which == "ours")
                    {
                        oursDrawn.Add((await ours.NextByIdAsync(1, null, CancellationToken.None))!);
                    }
                    else
                    {
                        naiveDrawn.Add(await NaiveDrawAsync(records));
                    }

                    n++;
                }

                return n;
            })));
            if (which == "ours")
            {
                oursTotal += counts.Sum();
                oursSeconds += clock.Elapsed.TotalSeconds;
            }
            else
            {
                naiveTotal += counts.Sum();
                naiveSeconds += clock.Elapsed.TotalSeconds;
            }
        }
    }

    var oursRate = oursTotal / oursSeconds;
    var naiveRate = naiveTotal / naiveSeconds;
    var duplicates = oursDrawn.Count - oursDrawn.Distinct().Count() + (naiveDrawn.Count - naiveDrawn.Distinct().Count());
    Console.WriteLine($"| sequence draws, one sequence, {Concurrency} concurrent drawers | naive ETag loop /s | SequenceNumbers /s | ratio | duplicates |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {oursDrawn.Count:N0} + {naiveDrawn.Count:N0} numbers | {naiveRate:N0} | **{oursRate:N0}** | {oursRate / naiveRate:N2}x | {duplicates} |"));
    Console.WriteLine();
    return oursRate >= SequenceTarget && duplicates == 0;
}

async Task<long> NaiveDrawAsync(TableClient records)
{
    while (true)
    {
        var entity = await records.GetEntityAsync("ir.sequence", RecordEntities.RowKey(2));
        var next = entity.GetInt64("number_next") ?? 1;
        try
        {
            await records.UpdateEntityAsync(new TableEntity("ir.sequence", RecordEntities.RowKey(2)) { ["number_next"] = next + 1 }, entity.ETag);
            return next;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
        }
    }
}

static TableEntity Sequence(long id, string name) => new("ir.sequence", RecordEntities.RowKey(id))
{
    ["id"] = id,
    ["name"] = name,
    ["number_next"] = 1L,
    ["number_increment"] = 1L,
    ["padding"] = 0L,
};

async Task<bool> DeliveriesAsync(TableServiceClient tables, QueueServiceClient queues)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    await using var receiver = builder.Build();
    var received = 0;
    receiver.Run(async context =>
    {
        using var reader = new StreamReader(context.Request.Body);
        await reader.ReadToEndAsync();
        Interlocked.Increment(ref received);
        context.Response.StatusCode = 200;
    });
    await receiver.StartAsync();
    var url = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";

    var table = tables.GetTableClient(TableOutbox.TableName);
    var queue = queues.GetQueueClient(TableOutbox.QueueName);
    await table.CreateIfNotExistsAsync();
    await queue.CreateIfNotExistsAsync();
    var outbox = new TableOutbox(table, queue, TimeProvider.System);
    var options = new DeliveryOptions { AllowedNetworks = AllowedNetworks.Parse(["127.0.0.1/32"]) };
    using var http = new OutboundHttp(options);
    var function = new DeliveriesFunction(outbox, [new WebhookChannel(http, TimeProvider.System)], options, TimeProvider.System,
        NullLogger<DeliveriesFunction>.Instance);
    var secret = StandardWebhooks.NewSecret();
    var body = """{"_action": "Send Webhook Notification(#1)", "_id": 7, "_model": "sale.order", "id": 7, "name": "S00007"}""";

    // Raw POSTs: the receiver's ceiling at 8 concurrent.
    using var raw = new HttpClient();
    var rawClock = Stopwatch.StartNew();
    var next = 0;
    await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
    {
        while (Interlocked.Increment(ref next) <= deliveries)
        {
            using var response = await raw.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
        }
    })));
    var rawRate = deliveries / rawClock.Elapsed.TotalSeconds;
    received = 0;

    // Stored in the outbox (each: one entity-group transaction and one queue message).
    var enqueueClock = Stopwatch.StartNew();
    next = 0;
    await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) <= deliveries)
        {
            await outbox.EnqueueAsync(new DeliveryRequest
            {
                Kind = DeliveryKinds.Webhook,
                IdempotencyKey = DeliveryRequest.KeyOf("bench", i),
                Message = new JsonObject { ["url"] = url, ["body"] = body, ["secret"] = secret },
                Target = url,
            }, CancellationToken.None);
        }
    })));
    var enqueueRate = deliveries / enqueueClock.Elapsed.TotalSeconds;

    // Drained by 8 workers running the queue function, as the queue trigger would.
    var drainClock = Stopwatch.StartNew();
    var deadline = DateTime.UtcNow.AddMinutes(5);
    await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
    {
        while (Volatile.Read(ref received) < deliveries && DateTime.UtcNow < deadline)
        {
            var messages = await queue.ReceiveMessagesAsync(4, TimeSpan.FromSeconds(60));
            foreach (var message in messages)
            {
                await function.RunAsync(new QueueTrigger(message.Text!, message.MessageId, message.DequeueCount, message.InsertedOn), CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    })));
    var drainRate = received / drainClock.Elapsed.TotalSeconds;
    var delivered = (await outbox.ListAsync(DeliveryStatuses.Delivered, null, deliveries + 10, CancellationToken.None)).Count;
    Console.WriteLine($"| outgoing webhooks to a loopback receiver, {Concurrency} concurrent | raw POST /s | outbox store /s | Deliveries function /s | ratio to raw | delivered |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {deliveries:N0} signed webhooks | {rawRate:N0} | {enqueueRate:N0} | **{drainRate:N0}** | {drainRate / rawRate:P1} | {delivered:N0} |"));
    await receiver.StopAsync();
    return drainRate >= DeliveryTarget && delivered == deliveries;
}

int Arg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
