using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Core.Events;
using Automation.Core.Rules;
using Automation.Functions.Hosting;
using Automation.Functions.Tests.Time;
using Automation.Storage.Time;
using Automation.Testing;

namespace Automation.Functions.Tests.Rules;

/// <summary>The <c>RecordEvents</c> queue function on a message that carries several records' changes (committed together).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RecordEventsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task OneMessage_HandlesDifferentRecordsSideBySide_AndOneRecordsChangesInOrder()
    {
        var observer = new Observer();
        await using var app = await TimeRulesApp.StartAsync(azurite, new ManualClock(DateTimeOffset.UtcNow),
            services => services.AddSingleton<IChangeObserver>(observer));
        var handler = app.Services.GetServices<IQueueFunction>().Single(f => f.Name == "RecordEvents");
        var message = new JsonObject
        {
            ["v"] = 1,
            ["events"] = new JsonArray(Change(1, "a1"), Change(1, "a2"), Change(1, "a3"), Change(2, "b1")),
        }.ToJsonString();

        // a1 waits for b1: handled one after another, the message would time out here.
        await handler.RunAsync(new QueueTrigger(message, "m1", 1, DateTimeOffset.UtcNow), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["a1", "a2", "a3"], observer.Seen.Where(id => id.StartsWith('a')));
        Assert.Contains("b1", observer.Seen);
    }

    private static JsonNode Change(long recordId, string id) => JsonSerializer.SerializeToNode(new ChangeEvent
    {
        Id = id,
        Kind = ChangeKind.Write,
        Model = "x_not_a_model", // observers see it; no rule can match it
        RecordId = recordId,
        Actor = new Actor(1),
        Chain = CausalChain.Start(),
        At = DateTime.UtcNow,
    }, EventJson.Options)!;

    private sealed class Observer : IChangeObserver
    {
        private readonly TaskCompletionSource _b1 = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<string> Seen { get; } = new();

        public async Task ObserveAsync(ChangeEvent change, CancellationToken cancellationToken)
        {
            if (change.Model != "x_not_a_model")
            {
                return;
            }

            if (change.Id == "a1")
            {
                await _b1.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            }

            Seen.Enqueue(change.Id);
            if (change.Id == "b1")
            {
                _b1.TrySetResult();
            }
        }
    }
}
