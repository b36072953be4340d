using Automation.Core.Rules;
using Automation.Functions.Hosting;
using Automation.Storage.Management;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Automation.Testing;

namespace Automation.Functions.Tests.Management;

/// <summary>The <c>Retention</c> timer: runs older than the period go, in bounded batches; newer ones stay.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestAppRoot _root = new();
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: false, extraArgs: ["--Automation:Retention:MaxDeletesPerRun=100"]);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task OldRunsAndTheirPayloads_AreDeletedInBoundedRuns_RecentOnesAreKept()
    {
        var ruleId = Random.Shared.NextInt64(10_000_000, 90_000_000);
        var runs = azurite.Tables.GetTableClient(TableRunLog.TableName);
        var log = new TableRunLog(runs);
        var now = DateTime.UtcNow;
        var old = Enumerable.Range(0, 150).Select(i => Run(ruleId, now.AddDays(-40).AddSeconds(-i), i)).ToList();
        var recent = Enumerable.Range(0, 3).Select(i => Run(ruleId, now.AddDays(-1).AddSeconds(-i), 1000 + i)).ToList();
        foreach (var run in old.Concat(recent))
        {
            await log.SaveAsync(run, CancellationToken.None);
        }

        var payloads = new RunPayloads(azurite.Tables.GetTableClient(RunPayloads.TableName));
        await payloads.SaveAsync(ruleId, old[0].Key, """{"old":true}""", CancellationToken.None);
        await payloads.SaveAsync(ruleId, recent[0].Key, """{"old":false}""", CancellationToken.None);
        var retention = _app.Services.GetServices<ITimerFunction>().Single(f => f.Name == "Retention");

        await retention.RunAsync(new TimerTrigger(false, null, null), CancellationToken.None);
        var afterFirst = (await log.ListAsync(ruleId, 1000, CancellationToken.None)).Count;
        await retention.RunAsync(new TimerTrigger(false, null, null), CancellationToken.None);
        var left = await log.ListAsync(ruleId, 1000, CancellationToken.None);

        Assert.Equal(53, afterFirst); // at most 100 rows per run: 50 old ones wait for the next run
        Assert.Equal(recent.Select(r => r.Key), left.Select(r => r.Key));
        Assert.Null(await payloads.GetAsync(ruleId, old[0].Key, CancellationToken.None));
        Assert.NotNull(await payloads.GetAsync(ruleId, recent[0].Key, CancellationToken.None));
    }

    [Fact]
    public void LowerBoundOfOld_IsTheKeyOfTheLastMomentBeforeTheCutoff()
    {
        var cutoff = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var bound = RangeDeletes.LowerBoundOfOld(long.MaxValue, cutoff);

        Assert.True(string.CompareOrdinal(RuleRun.KeyFor("x", cutoff.AddTicks(-1)), bound) >= 0, "a run just before the cutoff is old");
        Assert.True(string.CompareOrdinal(RuleRun.KeyFor("x", cutoff), bound) < 0, "a run at the cutoff is kept");
    }

    private static RuleRun Run(long ruleId, DateTime at, int n) => new()
    {
        RuleId = ruleId,
        Key = RuleRun.KeyFor("source-" + n, at),
        SourceId = "source-" + n,
        Model = "x",
        Status = RuleRun.Done,
        StartedAt = at,
        FinishedAt = at,
    };
}
