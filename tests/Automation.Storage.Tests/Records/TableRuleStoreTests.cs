using Automation.Core.Rules;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Automation.Testing;

namespace Automation.Storage.Tests.Records;

/// <summary>
/// The rule cache across instances (issue #6: "a rule change is effective for the next event on every instance"): two
/// stores on one table stand for two instances.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableRuleStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private string _table = "";

    [Fact]
    public async Task ARuleSavedOnOneInstance_IsSeenByTheNextEventOnAnother_AfterWarmLookups()
    {
        var (first, second) = await TwoInstancesAsync();
        var saved = await first.SaveAsync(Rule("before"), None);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("before", Assert.Single(await second.ActiveForModelAsync("x_lead", DateTimeOffset.UtcNow, None)).Name); // warm cache
        }

        await first.SaveAsync(saved with { Name = "after" }, None);
        var committed = DateTimeOffset.UtcNow; // an event committed once the change returned

        Assert.Equal("after", Assert.Single(await second.ActiveForModelAsync("x_lead", committed, None)).Name);
        Assert.Equal("after", Assert.Single(await second.ActiveForModelAsync("x_lead", None)).Name);
    }

    [Fact]
    public async Task ConcurrentLookups_ShareVersionReads_ButNeverOneThatBeganBeforeTheirEvent()
    {
        var (first, second) = await TwoInstancesAsync();
        var saved = await first.SaveAsync(Rule("v0"), None);
        for (var version = 1; version <= 20; version++)
        {
            await first.SaveAsync(saved with { Name = $"v{version}" }, None);
            var committed = DateTimeOffset.UtcNow;
            var seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => second.ActiveForModelAsync("x_lead", committed, None)));
            Assert.All(seen, rules => Assert.Equal($"v{version}", Assert.Single(rules).Name));
        }
    }

    [Fact]
    public async Task DeactivatedAndDeletedRules_LeaveTheOtherInstancesCacheAtOnce()
    {
        var (first, second) = await TwoInstancesAsync();
        var kept = await first.SaveAsync(Rule("kept"), None);
        var gone = await first.SaveAsync(Rule("gone"), None);
        Assert.Equal(2, (await second.ActiveForModelAsync("x_lead", DateTimeOffset.UtcNow, None)).Count);

        await first.SaveAsync(kept with { Active = false }, None);
        await first.DeleteAsync(gone.Id, None);

        Assert.Empty(await second.ActiveForModelAsync("x_lead", DateTimeOffset.UtcNow, None));
    }

    [Fact]
    public async Task BusyLookups_ShareVersionReads_AReadUpToTheChangeDelayBeforeAnEventServesIt()
    {
        var (first, _) = await TwoInstancesAsync();
        await first.SaveAsync(Rule("only"), None);
        var counter = new RequestCounter(azurite.TablePort);
        var second = new TableRuleStore(new TableServiceClient(azurite.Connection, counter.Options()).GetTableClient(_table),
            new IdAllocator(azurite.Tables.GetTableClient(_table.Replace("rules", "ruleids", StringComparison.Ordinal)), TimeProvider.System), TimeProvider.System);
        await second.ActiveForModelAsync("x_lead", DateTimeOffset.UtcNow, None); // loads the rules
        var loaded = counter.Reads;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lookups = 0;
        while (clock.Elapsed < TimeSpan.FromMilliseconds(500))
        {
            Assert.Equal("only", Assert.Single(await second.ActiveForModelAsync("x_lead", DateTimeOffset.UtcNow, None)).Name);
            lookups++;
            await Task.Delay(2);
        }

        // At most one background read per refresh interval (50 ms), and the odd one an event waits for: not one per event.
        var reads = counter.Reads - loaded;
        Assert.True(lookups > 50, $"only {lookups} lookups");
        Assert.True(reads <= 500 / 50 + 5, $"{reads} version reads for {lookups} lookups in 500 ms");
    }

    [Fact]
    public async Task ASeriesOfStores_WaitsForVisibilityOnce_AndEachIsSeenByTheNextEventOnAnotherInstance()
    {
        var (first, second) = await TwoInstancesAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            await first.StoreAsync(Rule($"imported {i}"), None);
        }

        var stored = clock.Elapsed;
        await first.ChangesVisibleAsync(None);
        var committed = DateTimeOffset.UtcNow;

        Assert.True(stored < first.ChangeDelay * 10, $"ten stores took {stored.TotalMilliseconds:F0} ms: they waited one by one");
        Assert.True(clock.Elapsed - stored < first.ChangeDelay * 5, "the wait is one change delay after the last store, not one per store");
        Assert.Equal(10, (await second.ActiveForModelAsync("x_lead", committed, None)).Count);
    }

    private static AutomationRule Rule(string name) => new() { Name = name, Model = "x_lead", Trigger = Triggers.OnCreate };

    private async Task<(TableRuleStore First, TableRuleStore Second)> TwoInstancesAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        _table = "rules" + suffix;
        var table = azurite.Tables.GetTableClient("rules" + suffix);
        var ids = azurite.Tables.GetTableClient("ruleids" + suffix);
        await table.CreateIfNotExistsAsync();
        await ids.CreateIfNotExistsAsync();
        return (new TableRuleStore(table, new IdAllocator(ids, TimeProvider.System), TimeProvider.System),
            new TableRuleStore(table, new IdAllocator(ids, TimeProvider.System), TimeProvider.System));
    }
}
