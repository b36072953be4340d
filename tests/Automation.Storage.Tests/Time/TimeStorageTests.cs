using System.Text.Json.Nodes;
using Automation.Core.Events;
using Automation.Core.Models;
using Automation.Core.Records;
using Automation.Core.Rules;
using Automation.Core.Time;
using Automation.Storage.Time;
using Automation.Testing;

namespace Automation.Storage.Tests.Time;

/// <summary>The trigger-date index, the time rule states and the change observer on real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TimeStorageTests(AzuriteFixture azurite)
{
    private static readonly DateIndexKey Key = new("x_lead", "date_start");

    private async Task<Tables.TableClient> TableAsync()
    {
        var table = azurite.Tables.GetTableClient(azurite.UniqueTableName("time"));
        await table.CreateIfNotExistsAsync();
        return table;
    }

    [Fact]
    public async Task Set_MovesTheEntry_AnOlderChangeNeverOverwritesANewerOne()
    {
        var index = new TableTriggerDateIndex(await TableAsync());

        Assert.True(await index.SetAsync(Key, 7, 1_000, version: 10, CancellationToken.None));
        Assert.True(await index.SetAsync(Key, 7, 2_000, version: 20, CancellationToken.None));
        Assert.False(await index.SetAsync(Key, 7, 1_500, version: 15, CancellationToken.None)); // handled late: superseded
        Assert.True(await index.SetAsync(Key, 7, 2_000, version: 20, CancellationToken.None)); // the same change again

        Assert.Equal([(7L, 2_000L)], await AllAsync(index));
        Assert.True(await index.SetAsync(Key, 7, null, version: 30, CancellationToken.None)); // date cleared (or record deleted)
        Assert.Empty(await AllAsync(index));
        Assert.False(await index.SetAsync(Key, 7, 3_000, version: 25, CancellationToken.None)); // an older create arriving last
        Assert.Empty(await AllAsync(index));
    }

    [Fact]
    public async Task Merge_ABuildPage_KeepsNewerChanges_AndReplacesOlderOnes()
    {
        var index = new TableTriggerDateIndex(await TableAsync());
        await index.SetAsync(Key, 1, 100, version: 50, CancellationToken.None); // changed after the build read: newer
        await index.SetAsync(Key, 2, 200, version: 5, CancellationToken.None); // an old entry the build corrects

        var page = Enumerable.Range(1, 120).Select(i => ((long)i, (long?)(i % 10 == 0 ? null : 10_000 + i))).ToList();
        await index.MergeAsync(Key, page, version: 40, CancellationToken.None);

        var entries = (await AllAsync(index)).ToDictionary(e => e.Id, e => e.Value);
        Assert.Equal(100, entries[1]);
        Assert.Equal(10_002, entries[2]);
        Assert.False(entries.ContainsKey(10)); // no date: no entry
        Assert.Equal(120 - 12, entries.Count); // every dated record of the page (record 1 kept as it was), none for the multiples of 10
    }

    [Fact]
    public async Task Scan_ReadsOnlyTheRange_InDateOrder_FromACursor()
    {
        var index = new TableTriggerDateIndex(await TableAsync());
        foreach (var (id, value) in new[] { (1L, 500L), (2L, 100L), (3L, 300L), (4L, 300L), (5L, 900L) })
        {
            await index.SetAsync(Key, id, value, 1, CancellationToken.None);
        }

        var all = await index.ScanAsync(Key, 100, 900, null, 10, CancellationToken.None);
        var firstTwo = await index.ScanAsync(Key, 100, 900, null, 2, CancellationToken.None);
        var rest = await index.ScanAsync(Key, 100, 900, firstTwo[^1].Position, 10, CancellationToken.None);

        Assert.Equal([2L, 3L, 4L, 1L], all.Select(e => e.RecordId));
        Assert.Equal([100L, 300L, 300L, 500L], all.Select(e => e.Value));
        Assert.Equal([4L, 1L], rest.Select(e => e.RecordId));
    }

    [Fact]
    public async Task LateEntries_AndStatus_AreKeptPerRule_StatusSavesAreGuarded()
    {
        var index = new TableTriggerDateIndex(await TableAsync());
        await index.AddLateAsync(Key, new LateEntry(3, "cfg", 100, 7), CancellationToken.None);
        await index.AddLateAsync(Key, new LateEntry(4, "cfg", 100, 8), CancellationToken.None);

        var late = await index.LateAsync(Key, 3, 10, CancellationToken.None);
        await index.RemoveLateAsync(Key, late[0], CancellationToken.None);

        Assert.Equal([new LateEntry(3, "cfg", 100, 7)], late);
        Assert.Empty(await index.LateAsync(Key, 3, 10, CancellationToken.None));
        Assert.Single(await index.LateAsync(Key, 4, 10, CancellationToken.None));
        Assert.True(await index.TrySaveStatusAsync(Key, new IndexStatus { NotBefore = DateTime.UnixEpoch }, CancellationToken.None));
        Assert.False(await index.TrySaveStatusAsync(Key, new IndexStatus { NotBefore = DateTime.UnixEpoch }, CancellationToken.None)); // exists
        var status = (await index.StatusAsync(Key, CancellationToken.None))!;
        Assert.True(await index.TrySaveStatusAsync(Key, status with { Ready = true }, CancellationToken.None));
        Assert.False(await index.TrySaveStatusAsync(Key, status with { Ready = false }, CancellationToken.None)); // stale ETag
        Assert.True((await index.StatusesAsync(CancellationToken.None)).Single().Status.Ready);
    }

    [Fact]
    public async Task States_AreGuardedByTheirETag_AndTheLeaseHasOneOwnerUntilItExpires()
    {
        var states = new TableTimeRuleStates(await TableAsync());
        var at = new DateTime(2026, 1, 1, 9, 0, 0, DateTimeKind.Utc).AddTicks(1234567);
        var saved = await states.SaveAsync(TimeRuleState.Activated(5, at, retroactive: false), CancellationToken.None);

        await Assert.ThrowsAsync<StateConflictException>(() => states.SaveAsync(saved with { ETag = null }, CancellationToken.None));
        var moved = await states.SaveAsync(saved with { WindowNow = at.AddMinutes(5), Bounds = [at, at.AddMinutes(5)] }, CancellationToken.None);
        await Assert.ThrowsAsync<StateConflictException>(() => states.SaveAsync(saved, CancellationToken.None));
        var read = (await states.GetAsync(5, CancellationToken.None))!;
        Assert.Equal(at, read.LastRun); // to the tick
        Assert.Equal([at, at.AddMinutes(5)], read.Bounds);
        Assert.Equal(moved.ETag, read.ETag);

        Assert.True(await states.TryAcquireAsync("a", at, at.AddMinutes(1), CancellationToken.None));
        Assert.False(await states.TryAcquireAsync("b", at.AddSeconds(30), at.AddMinutes(2), CancellationToken.None));
        Assert.True(await states.RenewAsync("a", at.AddMinutes(2), CancellationToken.None));
        Assert.False(await states.RenewAsync("b", at.AddMinutes(2), CancellationToken.None));
        Assert.True(await states.TryAcquireAsync("b", at.AddMinutes(3), at.AddMinutes(4), CancellationToken.None)); // a's expired
        Assert.False(await states.RenewAsync("a", at.AddMinutes(5), CancellationToken.None));
        await states.ReleaseAsync("b", CancellationToken.None);
        Assert.Null(await states.LeaseAsync(CancellationToken.None));
    }

    /// <summary>
    /// A change committed before a window began but indexed after the window was scanned would be missed: the observer
    /// records it as a late entry. A change committed after the window began is not late (Odoo's run would not have seen
    /// it either: its moment is before the window it can reach).
    /// </summary>
    [Fact]
    public async Task Observer_ChangeIndexedAfterItsWindowWasScanned_IsRecordedLate_OnlyIfTheWindowCouldHaveSeenIt()
    {
        var table = await TableAsync();
        var index = new TableTriggerDateIndex(table);
        var states = new TableTimeRuleStates(table);
        var rule = new AutomationRule { Id = 11, Name = "r", Model = "x_lead", Trigger = Triggers.OnTime, TrgDateId = "date_start", TrgDateRangeType = "minutes" };
        var model = new ModelDefinition("x_lead", [new FieldDefinition { Name = "date_start", Type = FieldType.Datetime }]);
        var calendars = new CalendarSource(new RecordService(new Models(model), new NoRecords()), TimeProvider.System);
        var observer = new TriggerDateObserver(new Rules(rule), new Models(model), index, states, calendars, TimeProvider.System);
        var t0 = new DateTime(2026, 1, 1, 9, 0, 0, DateTimeKind.Utc);
        await states.SaveAsync(TimeRuleState.Activated(11, t0, false) with { WindowNow = t0.AddMinutes(10), Bounds = [t0, t0.AddMinutes(10)] },
            CancellationToken.None);

        // Committed at 09:05, before the window [09:00, 09:10) began (at 09:10), but indexed after the window was scanned.
        await observer.ObserveAsync(Change(1, committed: t0.AddMinutes(5), date: t0.AddMinutes(7)), CancellationToken.None);
        // Committed at 09:12, after the window was scanned: its moment 09:08 is before the window it can reach (09:10 on).
        await observer.ObserveAsync(Change(2, committed: t0.AddMinutes(12), date: t0.AddMinutes(8)), CancellationToken.None);
        // Due in a later window: not late.
        await observer.ObserveAsync(Change(3, committed: t0.AddMinutes(5), date: t0.AddMinutes(15)), CancellationToken.None);

        var late = await index.LateAsync(new DateIndexKey("x_lead", "date_start"), 11, 10, CancellationToken.None);
        Assert.Equal([1L], late.Select(e => e.RecordId));
        Assert.Equal(3, (await index.ScanAsync(new DateIndexKey("x_lead", "date_start"), 0, DateTime.MaxValue.Ticks, null, 10, CancellationToken.None)).Count);
    }

    private static ChangeEvent Change(long id, DateTime committed, DateTime date) => new()
    {
        Id = committed.Ticks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12],
        Kind = ChangeKind.Create,
        Model = "x_lead",
        RecordId = id,
        After = new JsonObject { ["id"] = id, ["date_start"] = RecordJson.FormatDateTime(date), ["create_date"] = RecordJson.FormatDateTime(committed) },
        Actor = new Actor(1),
        Chain = CausalChain.Start(),
        At = committed,
    };

    private static async Task<List<(long Id, long Value)>> AllAsync(TableTriggerDateIndex index) =>
        (await index.ScanAsync(Key, 0, DateTime.MaxValue.Ticks, null, 1000, CancellationToken.None)).Select(e => (e.RecordId, e.Value)).ToList();

    private sealed class Rules(params AutomationRule[] rules) : IRuleStore
    {
        public Task<AutomationRule?> GetAsync(long id, CancellationToken cancellationToken) => Task.FromResult(rules.FirstOrDefault(r => r.Id == id));

        public Task<IReadOnlyList<AutomationRule>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<AutomationRule>>(rules);

        public Task<IReadOnlyList<AutomationRule>> ActiveForModelAsync(string model, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AutomationRule>>(rules.Where(r => r.Model == model).ToList());

        public Task<IReadOnlyList<AutomationRule>> ActiveForModelAsync(string model, DateTimeOffset seenAfter, CancellationToken cancellationToken) =>
            ActiveForModelAsync(model, cancellationToken);

        public Task<AutomationRule> SaveAsync(AutomationRule rule, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AutomationRule> StoreAsync(AutomationRule rule, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ChangesVisibleAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class Models(ModelDefinition model) : IModelRegistry
    {
        public Task<ModelDefinition?> FindAsync(string name, CancellationToken cancellationToken) => Task.FromResult(name == model.Name ? model : null);

        public Task<IReadOnlyList<ModelDefinition>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ModelDefinition>>([model]);

        public Task SaveAsync(ModelDefinition definition, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>The observer reads records only for calendars, which these rules do not use.</summary>
    private sealed class NoRecords : IRecordStore
    {
        public Task<RecordData?> FindAsync(ModelDefinition model, long id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RecordData>> FindManyAsync(ModelDefinition model, IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<RecordData> CreateAsync(ModelDefinition model, IReadOnlyDictionary<string, object?> values, ChangeContext context,
            CancellationToken cancellationToken, long? id = null) => throw new NotSupportedException();

        public Task<RecordData> WriteAsync(ModelDefinition model, long id, IReadOnlyDictionary<string, object?> values, string? ifMatch, ChangeContext context,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteAsync(ModelDefinition model, long id, string? ifMatch, ChangeContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<RecordPage> ListAsync(ModelDefinition model, string? storageFilter, int limit, string? cursor, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
