using System.Net;
using System.Text.Json.Nodes;
using Automation.Storage;
using Automation.Testing;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
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

    /// <summary>
    /// The process dies in the middle of a page: after the 50th due record's run is recorded, none of its storage requests
    /// gets through any more, so it neither saves the page's progress nor releases the check's lease. A new instance
    /// refuses to check while that lease lasts, then resumes the window: the first 50 records are found done (their runs),
    /// the other 350 run, and every record's action ran exactly once. One record at a time (Parallelism 1), so no action is
    /// in flight when the process dies.
    /// </summary>
    [Fact]
    public async Task KilledMidPage_LeaseLeftHeld_NextInstanceWaitsForIt_ThenRunsEachDueRecordExactlyOnce()
    {
        const int killAfter = 50;
        var clock = new ManualClock(At("2024-06-01 09:00:00"));
        var kill = new KillSwitch(killAfter);
        long ruleId;
        string lead;
        var first = await TimeRulesApp.StartAsync(azurite, clock, services =>
        {
            var options = new StorageClientOptions();
            options.AddPolicy(kill, HttpPipelinePosition.PerCall);
            services.AddSingleton(options);
        }, "--Automation:TimeRules:Parallelism=1");
        try
        {
            await first.ResetAsync();
            lead = await first.CreateLeadModelAsync();
            ruleId = (await first.CreateRuleAsync(new JsonObject
            {
                ["name"] = "Count once, killed",
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
                    await first.CreateAsync(lead, $$"""{"name":"k{{i}}"}""");
                }
                finally
                {
                    gate.Release();
                }
            }));

            await first.QuietAsync();
            clock.Advance(TimeSpan.FromMinutes(5));
            kill.Arm();
            using var response = await first.Http.PostAsync(new Uri("/api/admin/scheduler/run", UriKind.Relative), null);
            Assert.True(kill.Killed, $"The check ended ({(int)response.StatusCode}) before its {killAfter}th run was recorded.");
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            try
            {
                await first.DisposeAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A dead process does not shut down cleanly.
            }
        }

        await using var second = await TimeRulesApp.StartAsync(azurite, clock);
        var view = TimeRulesApp.RuleOfScheduler(await second.SchedulerAsync(), ruleId);
        Assert.NotNull(view["window_in_progress"]);

        // The dead check's lease (a minute, renewed every 20 s) still holds: no second check runs alongside what may still
        // be running.
        await second.SendAsync(HttpMethod.Post, "/api/admin/scheduler/run", null, HttpStatusCode.Conflict);

        clock.Advance(TimeSpan.FromMinutes(2));
        var resumed = await second.RunAsync();

        var rule = TimeRulesApp.RuleOf(resumed, ruleId);
        Assert.Equal("done", resumed["status"]!.GetValue<string>());
        Assert.Equal(killAfter, rule["already_done"]!.GetValue<int>()); // the page was not saved: its first half is read again, and skipped
        Assert.Equal(Records - killAfter, rule["processed"]!.GetValue<int>());
        var counts = (await second.SendAsync(HttpMethod.Get, $"/api/records/{lead}?fields=x_count&limit=1000", null, HttpStatusCode.OK))!["records"]!
            .AsArray().Select(r => r!["x_count"]?.GetValue<long>() ?? 0).ToList();
        Assert.Equal(Records, counts.Count);
        Assert.All(counts, c => Assert.Equal(1, c));
        var runs = (await second.SendAsync(HttpMethod.Get, $"/api/admin/rules/{ruleId}/runs?limit=1000", null, HttpStatusCode.OK))!.AsArray();
        Assert.Equal(Records, runs.Count);
        Assert.All(runs, r => Assert.Equal("done", r!["status"]!.GetValue<string>()));
    }

    /// <summary>
    /// Once armed, lets through <c>limit</c> run records being saved (PUT on the runs table), then fails every storage
    /// request of the app, as if its process had died at that instant.
    /// </summary>
    private sealed class KillSwitch(int limit) : HttpPipelinePolicy
    {
        private int _saved;
        private volatile bool _armed;
        private volatile bool _killed;

        public bool Killed => _killed;

        public void Arm() => _armed = true;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ThrowIfKilled();
            ProcessNext(message, pipeline);
            Count(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ThrowIfKilled();
            await ProcessNextAsync(message, pipeline);
            Count(message);
        }

        private void ThrowIfKilled()
        {
            if (_killed)
            {
                throw new RequestFailedException(503, "The process is dead (test).");
            }
        }

        private void Count(HttpMessage message)
        {
            if (_armed && message.Request.Method == RequestMethod.Put && message.Request.Uri.Path.Contains("/runs(", StringComparison.Ordinal)
                && message.Response.Status is >= 200 and < 300 && Interlocked.Increment(ref _saved) >= limit)
            {
                _killed = true;
            }
        }
    }
}
