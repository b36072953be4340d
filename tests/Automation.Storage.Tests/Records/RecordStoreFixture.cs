using System.Text.Json.Nodes;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Storage.Queues;
using Automation.Storage.Records;
using Automation.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Storage.Tests.Records;

/// <summary>A record store of its own (fresh tables and queue) on the shared Azurite.</summary>
public sealed class RecordStoreHarness
{
    public static readonly ModelDefinition Everything = ModelJson.Parse(JsonNode.Parse("""
        {
          "name": "x_everything", "rec_name": "name",
          "fields": {
            "name": {"type": "char"}, "notes": {"type": "text"}, "body": {"type": "html"},
            "count": {"type": "integer"}, "ratio": {"type": "float"}, "amount": {"type": "monetary"},
            "flag": {"type": "boolean"}, "day": {"type": "date"}, "moment": {"type": "datetime"},
            "state": {"type": "selection", "selection": [["draft", "Draft"], ["done", "Done"]]},
            "partner_id": {"type": "many2one", "relation": "res.partner"},
            "tag_ids": {"type": "many2many", "relation": "res.partner.category"},
            "data": {"type": "json"}
          }
        }
        """)).Model!;

    private readonly Storage.Tables.TableClient _ids;

    private RecordStoreHarness(AzuriteFixture azurite, string suffix)
    {
        var records = azurite.Tables.GetTableClient("rec" + suffix);
        Records = records;
        Queue = azurite.Queues.GetQueueClient("events-" + suffix);
        Events = new PendingEvents(records, Queue, TimeProvider.System);
        Settler = new PendingSettler(Events, NullLogger<PendingSettler>.Instance);
        Publisher = new EventPublisher(Events, NullLogger<EventPublisher>.Instance, settler: Settler);
        Models = new TableModelRegistry(azurite.Tables.GetTableClient("mod" + suffix), TimeProvider.System);
        _ids = azurite.Tables.GetTableClient("ids" + suffix);
        Store = new TableRecordStore(records, new IdAllocator(_ids, TimeProvider.System),
            Events, Publisher, new GroupCommit(records), new SequenceNumbers(records), Models, TimeProvider.System, NullLogger<TableRecordStore>.Instance);
        Service = new RecordService(Models, Store);
    }

    public Storage.Tables.TableClient Records { get; }

    /// <summary>Another instance's store on the same tables: it shares nothing in memory with <see cref="Store"/>.</summary>
    public TableRecordStore SecondInstance() =>
        new(Records, new IdAllocator(_ids, TimeProvider.System), Events, Publisher, new GroupCommit(Records), new SequenceNumbers(Records), Models,
            TimeProvider.System, NullLogger<TableRecordStore>.Instance);

    public QueueClient Queue { get; }

    public PendingEvents Events { get; }

    public EventPublisher Publisher { get; }

    /// <summary>Removes sent events' pending entities, as in the app (<see cref="EventPublisher.FlushAsync"/> waits for it too).</summary>
    public PendingSettler Settler { get; }

    /// <summary>How many queue messages the last <see cref="DrainEventsAsync"/> took off.</summary>
    public int LastDrainMessages { get; private set; }

    public TableModelRegistry Models { get; }

    public TableRecordStore Store { get; }

    public RecordService Service { get; }

    public static async Task<RecordStoreHarness> CreateAsync(AzuriteFixture azurite)
    {
        var harness = new RecordStoreHarness(azurite, Guid.NewGuid().ToString("N")[..16]);
        await harness.Records.CreateIfNotExistsAsync();
        await azurite.Tables.GetTableClient(harness.Records.Name.Replace("rec", "ids", StringComparison.Ordinal)).CreateIfNotExistsAsync();
        await azurite.Tables.GetTableClient(harness.Records.Name.Replace("rec", "mod", StringComparison.Ordinal)).CreateIfNotExistsAsync();
        await harness.Queue.CreateIfNotExistsAsync();
        await harness.Models.SaveAsync(Everything, CancellationToken.None);
        return harness;
    }

    public Task<ModelDefinition> ModelAsync(string name) => Service.ModelAsync(name, CancellationToken.None);

    /// <summary>A create event of (<paramref name="model"/>, <paramref name="id"/>) with a fresh event id, for pending-event tests.</summary>
    public ChangeEvent Change(string model, long id) => new()
    {
        Id = Events.NewEventId(),
        Kind = ChangeKind.Create,
        Model = model,
        RecordId = id,
        Actor = new Actor(1),
        Chain = CausalChain.Start(),
        At = DateTime.UtcNow,
    };

    /// <summary>How many pending-event entities <paramref name="model"/>'s partition holds.</summary>
    public async Task<int> CountPendingAsync(string model)
    {
        var count = 0;
        await foreach (var _ in Records.QueryAsync(
            $"PartitionKey eq '{model}' and RowKey ge '{RecordEntities.EventRowPrefix}' and RowKey lt '{RecordEntities.EventRowPrefix}~'"))
        {
            count++;
        }

        return count;
    }

    /// <summary>Sends what the publisher holds, then takes every event message off the queue, resolving claim checks.</summary>
    public async Task<List<ChangeEvent>> DrainEventsAsync()
    {
        await Publisher.FlushAsync();
        var all = new List<ChangeEvent>();
        LastDrainMessages = 0;
        while (true)
        {
            var batch = await Queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1));
            if (batch.Count == 0)
            {
                return all;
            }

            foreach (var message in batch)
            {
                LastDrainMessages++;
                all.AddRange((await Events.ResolveAsync(message.Text!, CancellationToken.None)).Select(r => r.Change));

                await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }
}
