using Automation.Testing;

namespace Automation.Functions.Tests;

/// <summary>Standalone mode drives the same handlers from Azurite's queues and the function.json schedules.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StandaloneRuntimeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task QueueMessage_ReachesItsHandler_AndIsDeleted()
    {
        var queueName = azurite.UniqueQueueName("events");
        using var root = new TestAppRoot().QueueFunction("TestEvents", queueName);
        var handler = new RecordingQueueFunction("TestEvents");
        await using var app = await TestApp.StartAsync(azurite, root, functionsMode: false, [handler]);
        var queue = azurite.Queues.GetQueueClient(queueName);

        await queue.SendMessageAsync("{\"record\":7}");
        await Eventually.MatchAsync(() => Task.FromResult(handler.Calls.Count), n => n == 1, what: "the handler to run");
        var remaining = await Eventually.MatchAsync(() => queue.GetApproximateMessageCountAsync(), n => n == 0, what: "the message to be deleted");

        Assert.Equal("{\"record\":7}", Assert.Single(handler.Calls).MessageText);
        Assert.Equal(0, remaining);
    }

    [Fact]
    public async Task TimerFunction_FiresOnItsNcrontabSchedule_ResolvedFromAnAppSetting()
    {
        using var root = new TestAppRoot().TimerFunction("Tick", "%TickSchedule%");
        var timer = new RecordingTimerFunction("Tick");
        await using var app = await TestApp.StartAsync(azurite, root, functionsMode: false, timerFunctions: [timer],
            extraArgs: ["--TickSchedule=*/1 * * * * *"]);

        await Eventually.MatchAsync(() => Task.FromResult(timer.Calls.Count), n => n >= 2, TimeSpan.FromSeconds(10), "two ticks");

        var calls = timer.Calls.ToArray();
        Assert.Null(calls[0].Last);
        Assert.NotNull(calls[1].Last);
        Assert.True(calls[1].Next > calls[1].Last);
    }
}
