using Automation.Core.Rules;
using Automation.Storage.Records;
using Automation.Storage.Tables;
using Automation.Testing;

namespace Automation.Storage.Tests.Records;

/// <summary>Run records of a busy rule: concurrent claims and saves share transactions, each keeping its own outcome.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableRunLogTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task ConcurrentClaimsAndSaves_OfOneRule_TakeFewerRequestsThanRuns_AndEachRunEndsAsSaved()
    {
        var (log, requests) = await RunLogAsync();

        var claimed = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => log.ClaimAsync(Run(7, i), TimeSpan.FromMinutes(1), None)));
        await Task.WhenAll(claimed.Select((run, i) => log.SaveAsync(run with { Status = RuleRun.Done, ActionsDone = 1, Error = $"note {i}" }, None)));
        var stored = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => log.FindAsync(7, Key(i), None)));

        Assert.All(claimed, r => Assert.Equal(RuleRun.Running, r.Status));
        Assert.All(stored.Select((run, i) => (run, i)), s => Assert.Equal((RuleRun.Done, $"note {s.i}"), (s.run!.Status, s.run.Error)));
        Assert.True(requests.Writes < 128, $"{requests.Writes} write requests for 64 claims and 64 saves");
    }

    [Fact]
    public async Task AClaimOfARunAlreadyDone_AmongOthers_FindsItDone_AndTheOthersAreClaimed()
    {
        var (log, _) = await RunLogAsync();
        var done = await log.ClaimAsync(Run(7, 3), TimeSpan.FromMinutes(1), None);
        await log.SaveAsync(done with { Status = RuleRun.Done }, None);

        var claimed = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => log.ClaimAsync(Run(7, i), TimeSpan.FromMinutes(1), None)));

        Assert.Equal(RuleRun.Done, claimed[3].Status); // a redelivery: nothing to repeat
        Assert.All(claimed.Where((_, i) => i != 3), r => Assert.Equal(RuleRun.Running, r.Status));
    }

    [Fact]
    public async Task AClaimOfARunStillRunning_IsBusy_WhileItsLeaseHolds()
    {
        var (log, _) = await RunLogAsync();
        await log.ClaimAsync(Run(7, 1), TimeSpan.FromMinutes(1), None);

        await Assert.ThrowsAsync<RunBusyException>(() => log.ClaimAsync(Run(7, 1), TimeSpan.FromMinutes(1), None));
    }

    private static string Key(int i) => RuleRun.KeyFor($"event-{i:D4}", new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc));

    private static RuleRun Run(long ruleId, int i) => new()
    {
        RuleId = ruleId,
        Key = Key(i),
        SourceId = $"event-{i:D4}",
        Model = "x_lead",
        RecordIds = [i],
        ChainId = "chain",
        StartedAt = DateTime.UtcNow,
    };

    private async Task<(TableRunLog Log, RequestCounter Requests)> RunLogAsync()
    {
        var counter = new RequestCounter(azurite.TablePort);
        var table = new TableServiceClient(azurite.Connection, counter.Options()).GetTableClient(azurite.UniqueTableName("runs"));
        await table.CreateIfNotExistsAsync();
        return (new TableRunLog(table), counter);
    }
}
