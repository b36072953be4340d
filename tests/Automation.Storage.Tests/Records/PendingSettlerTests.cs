using Automation.Core.Events;
using Automation.Storage.Records;
using Automation.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Automation.Storage.Tests.Records;

[Collection(AzuriteCollection.Name)]
public sealed class PendingSettlerTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Flush_RemovesEverySettledEntity_OfSeveralModels_InMoreThanOneTransactionEach()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var changes = Enumerable.Range(0, 200).Select(i => h.Change(i % 3 == 0 ? "x_other" : "x_everything", i)).ToList();
        await CommitAsync(h, changes);
        await using var settler = new PendingSettler(h.Events, NullLogger<PendingSettler>.Instance, TimeSpan.FromHours(1));

        changes.ForEach(settler.Settle);
        var beforeFlush = await h.CountPendingAsync("x_everything") + await h.CountPendingAsync("x_other");
        await settler.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, beforeFlush); // the window is an hour: nothing went before the flush
        Assert.Equal(0, await h.CountPendingAsync("x_everything")); // 133 of them: two transactions (100 at most each)
        Assert.Equal(0, await h.CountPendingAsync("x_other"));
    }

    [Fact]
    public async Task AnEntityAlreadyGone_DoesNotKeepTheOthersOfItsTransaction()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var changes = Enumerable.Range(0, 10).Select(i => h.Change("x_everything", i)).ToList();
        await CommitAsync(h, changes);
        await h.Records.DeleteEntityAsync("x_everything", PendingEvents.RowKey(changes[4].Id)); // the sweeper resent it, say
        await using var settler = new PendingSettler(h.Events, NullLogger<PendingSettler>.Instance, TimeSpan.FromHours(1));

        changes.ForEach(settler.Settle);
        settler.Settle(changes[0]); // settled twice: once only in the transaction
        await settler.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, await h.CountPendingAsync("x_everything"));
    }

    [Fact]
    public async Task Dispose_RemovesWhatIsWaiting_WithoutWaitingOutTheWindow()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var changes = Enumerable.Range(0, 5).Select(i => h.Change("x_everything", i)).ToList();
        await CommitAsync(h, changes);
        var settler = new PendingSettler(h.Events, NullLogger<PendingSettler>.Instance, TimeSpan.FromHours(1));

        changes.ForEach(settler.Settle);
        await settler.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        settler.Settle(h.Change("x_everything", 99)); // after shutdown: dropped, the sweeper's business

        Assert.Equal(0, await h.CountPendingAsync("x_everything"));
    }

    [Fact]
    public async Task SweptEvents_TravelMarkedAsResent_SentOnesDoNot()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        var swept = h.Change("x_everything", 1);
        var sent = h.Change("x_everything", 2);
        await CommitAsync(h, [swept]);

        await h.Events.SweepAsync(["x_everything"], TimeSpan.Zero, None);
        await h.Events.SendAsync([sent], None);
        var resolved = new List<ResolvedEvent>();
        foreach (var message in await h.Queue.ReceiveMessagesAsync(32))
        {
            resolved.AddRange(await h.Events.ResolveAsync(message.Text!, None));
        }

        // A resent event may have been handled before: its consumer must not take it for a first delivery.
        Assert.True(resolved.Single(e => e.Change.Id == swept.Id).Resent);
        Assert.False(resolved.Single(e => e.Change.Id == sent.Id).Resent);
    }

    [Fact]
    public async Task SentEvents_KeepTheirEntitiesForTheWindow_ThenLoseThemWithoutAFlush()
    {
        var h = await RecordStoreHarness.CreateAsync(azurite);
        await using var settler = new PendingSettler(h.Events, NullLogger<PendingSettler>.Instance, TimeSpan.FromMilliseconds(300));
        var changes = Enumerable.Range(0, 20).Select(i => h.Change("x_everything", i)).ToList();
        await CommitAsync(h, changes);

        await h.Events.SendAsync(changes, None, settle: settler.Settle);
        var justSent = await h.CountPendingAsync("x_everything");
        await Eventually.MatchAsync(() => h.CountPendingAsync("x_everything"), n => n == 0, TimeSpan.FromSeconds(30), "the window to pass");

        Assert.Equal(20, justSent);
        Assert.Single(await h.Queue.ReceiveMessagesAsync(32)); // all twenty in one message
    }

    private static async Task CommitAsync(RecordStoreHarness h, IEnumerable<ChangeEvent> changes)
    {
        foreach (var change in changes)
        {
            await h.Records.AddEntityAsync(h.Events.ToEntity(change));
        }
    }
}
