using System.Net;
using System.Text.Json.Nodes;
using Automation.Testing;
using static Automation.Functions.Tests.Time.ManualClock;

namespace Automation.Functions.Tests.Time;

/// <summary>
/// Issue #9 acceptance "restart safety": a check stopped in the middle of a window (its time budget ran out, as a host
/// timeout would stop it) leaves the window's progress behind; a new instance of the app resumes that window with the
/// same <c>now</c> and processes each remaining due record once, and no record twice. A budget of a millisecond makes
/// each check do exactly one page (a check always makes some progress), so the stop is deterministic.
/// </summary>
[Collection(TimeRulesCollection.Name)]
public sealed class TimeRuleRestartTests(AzuriteFixture azurite)
{
    private const int Records = 400;

    [Fact]
    public async Task StoppedMidWindow_ANewInstanceResumesIt_EachDueRecordExactlyOnce()
    {
        var clock = new ManualClock(At("2024-05-01 09:00:00"));
        long ruleId;
        string lead;
        int firstProcessed;
        await using (var first = await TimeRulesApp.StartAsync(azurite, clock, "--Automation:TimeRules:Budget=00:00:00.001"))
        {
            await first.ResetAsync();
            lead = await first.CreateLeadModelAsync();
            ruleId = (await first.CreateRuleAsync(new JsonObject
            {
                ["name"] = "Count once",
                ["model"] = lead,
                ["trigger"] = "on_time_created",
                ["trg_date_range"] = 1,
                ["trg_date_range_type"] = "minutes",
                ["action_server_ids"] = new JsonArray(new JsonObject
                {
                    ["name"] = "Count",
                    ["state"] = "code",
                    ["code"] = "record.write({'x_count': record.x_count + 1})",
                }),
            }))["id"]!.GetValue<long>();
            using var gate = new SemaphoreSlim(16);
            await Task.WhenAll(Enumerable.Range(0, Records).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    await first.CreateAsync(lead, $$"""{"name":"r{{i}}"}""");
                }
                finally
                {
                    gate.Release();
                }
            }));

            clock.Advance(TimeSpan.FromMinutes(5));
            JsonObject stopped;
            var checks = 0;
            do
            {
                // One unit of work per check: the index build, then the window's pages one by one.
                stopped = await first.RunAsync();
                Assert.Equal("incomplete", stopped["status"]!.GetValue<string>());
                firstProcessed = TimeRulesApp.RuleOf(stopped, ruleId)["processed"]!.GetValue<int>();
            }
            while (firstProcessed == 0 && ++checks < 5);

            Assert.Equal(100, firstProcessed); // one page of the index, all due
            Assert.NotNull(TimeRulesApp.RuleOfScheduler(await first.SchedulerAsync(), ruleId)["window_in_progress"]);
        }

        await using var second = await TimeRulesApp.StartAsync(azurite, clock);
        clock.Advance(TimeSpan.FromMinutes(1));
        var resumed = await second.RunAsync();

        var rule = TimeRulesApp.RuleOf(resumed, ruleId);
        Assert.Equal("done", resumed["status"]!.GetValue<string>());
        Assert.Equal(Records - firstProcessed, rule["processed"]!.GetValue<int>());
        Assert.Equal(0, rule["already_done"]!.GetValue<int>());
        Assert.Equal(resumed["now"]!.GetValue<string>(), rule["last_run"]!.GetValue<string>());
        var counts = (await second.SendAsync(HttpMethod.Get, $"/api/records/{lead}?fields=x_count&limit=1000", null, HttpStatusCode.OK))!["records"]!
            .AsArray().Select(r => r!["x_count"]?.GetValue<long>() ?? 0).ToList();
        Assert.Equal(Records, counts.Count);
        Assert.All(counts, c => Assert.Equal(1, c));
        var runs = (await second.SendAsync(HttpMethod.Get, $"/api/admin/rules/{ruleId}/runs?limit=1000", null, HttpStatusCode.OK))!.AsArray();
        Assert.Equal(Records, runs.Count);
        Assert.All(runs, r => Assert.Equal("done", r!["status"]!.GetValue<string>()));
    }
}
