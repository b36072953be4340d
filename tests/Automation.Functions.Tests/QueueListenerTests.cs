using System.Collections.Concurrent;
using Automation.Functions.Hosting;
using Automation.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Functions.Tests;

/// <summary>The host's queue semantics in standalone mode (spec azure-functions-storage §1.6).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueListenerTests(AzuriteFixture azurite)
{
    private static readonly HostSettings FastSettings = new()
    {
        BatchSize = 16,
        NewBatchThreshold = 8,
        MaxDequeueCount = 5,
        VisibilityTimeout = TimeSpan.Zero,
        MaxPollingInterval = TimeSpan.FromMilliseconds(200),
        FunctionTimeout = TimeSpan.FromMinutes(1),
    };

    private async Task<(Storage.Queues.QueueClient Queue, Storage.Queues.QueueClient Poison)> NewQueueAsync()
    {
        var name = azurite.UniqueQueueName("listen");
        var queue = azurite.Queues.GetQueueClient(name);
        await queue.CreateIfNotExistsAsync();
        return (queue, azurite.Queues.GetQueueClient(name + "-poison"));
    }

    [Fact]
    public async Task HandlerThatAlwaysFails_LeavesMessageInPoisonAfterFiveDequeues_NeverTwoAtOnce()
    {
        var (queue, poison) = await NewQueueAsync();
        var attempts = new ConcurrentBag<long>();
        var running = 0;
        var maxRunning = 0;
        var listener = new QueueListener(queue, poison, async (trigger, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            attempts.Add(trigger.DequeueCount);
            await Task.Delay(20, ct);
            Interlocked.Decrement(ref running);
            throw new InvalidOperationException("always fails");
        }, FastSettings, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = listener.RunAsync(stop.Token);

        await queue.SendMessageAsync("doomed");
        var poisoned = await Eventually.MatchAsync(() => poison.PeekMessagesAsync(32).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : []),
            m => m.Count > 0, what: "the poison message");
        await stop.CancelAsync();
        await run;

        Assert.Equal("doomed", Assert.Single(poisoned).Text);
        Assert.Equal([1L, 2, 3, 4, 5], attempts.Order());
        Assert.Equal(1, maxRunning);
        Assert.Empty(await queue.PeekMessagesAsync(32));
    }

    [Fact]
    public async Task FailedMessage_IsRetriedAfterTheVisibilityTimeout()
    {
        var (queue, poison) = await NewQueueAsync();
        var seen = new ConcurrentQueue<(long Count, DateTimeOffset At)>();
        var listener = new QueueListener(queue, poison, (trigger, _) =>
        {
            seen.Enqueue((trigger.DequeueCount, DateTimeOffset.UtcNow));
            return trigger.DequeueCount == 1 ? throw new InvalidOperationException("first try fails") : Task.CompletedTask;
        }, FastSettings with { VisibilityTimeout = TimeSpan.FromSeconds(2) }, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = listener.RunAsync(stop.Token);

        await queue.SendMessageAsync("second time lucky");
        await Eventually.MatchAsync(() => Task.FromResult(seen.Count), n => n == 2, what: "the retry");
        await Eventually.MatchAsync(() => queue.GetApproximateMessageCountAsync(), n => n == 0, what: "the delete");
        await stop.CancelAsync();
        await run;

        var attempts = seen.ToArray();
        Assert.Equal([1L, 2], attempts.Select(a => a.Count));
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromSeconds(1.5), $"retried after {attempts[1].At - attempts[0].At}");
        Assert.Empty(await poison.PeekMessagesAsync(1).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : []));
    }

    [Fact]
    public async Task SlowHandler_KeepsItsLease_SoASecondListenerNeverGetsTheMessage()
    {
        var (queue, poison) = await NewQueueAsync();
        var calls = 0;
        Task Handler(QueueTrigger trigger, CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            return Task.Delay(TimeSpan.FromSeconds(5), ct);
        }

        var first = new QueueListener(queue, poison, Handler, FastSettings, NullLogger.Instance) { LeaseDuration = TimeSpan.FromSeconds(2) };
        var second = new QueueListener(queue, poison, Handler, FastSettings, NullLogger.Instance) { LeaseDuration = TimeSpan.FromSeconds(2) };
        using var stop = new CancellationTokenSource();
        var runs = new[] { first.RunAsync(stop.Token), second.RunAsync(stop.Token) };

        await queue.SendMessageAsync("long job");
        await Eventually.MatchAsync(() => Task.FromResult(calls), n => n == 1, what: "the first call");
        await Eventually.MatchAsync(async () => (await queue.PeekMessagesAsync(1)).Count + await queue.GetApproximateMessageCountAsync(),
            n => n == 0, TimeSpan.FromSeconds(20), "the message to be completed");
        await stop.CancelAsync();
        await Task.WhenAll(runs);

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ManyMessages_AreProcessedConcurrentlyUpToTheBatchLimits()
    {
        var (queue, poison) = await NewQueueAsync();
        var running = 0;
        var maxRunning = 0;
        var done = 0;
        var listener = new QueueListener(queue, poison, async (_, ct) =>
        {
            InterlockedMax(ref maxRunning, Interlocked.Increment(ref running));
            await Task.Delay(200, ct);
            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref done);
        }, FastSettings with { BatchSize = 4, NewBatchThreshold = 2 }, NullLogger.Instance);
        for (var i = 0; i < 20; i++)
        {
            await queue.SendMessageAsync($"m{i}");
        }

        using var stop = new CancellationTokenSource();
        var run = listener.RunAsync(stop.Token);
        await Eventually.MatchAsync(() => Task.FromResult(done), n => n == 20, what: "all messages");
        await stop.CancelAsync();
        await run;

        Assert.InRange(maxRunning, 2, 4 + 2);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
