using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Automation.Testing;
using static Automation.Functions.Tests.Time.ManualClock;

namespace Automation.Functions.Tests.Time;

/// <summary>
/// Spec §10 scenarios 30–37 through the API, the real check and Azurite, on a clock the tests move: the scheduler's
/// interval, windowed processing with <c>date_automation_last</c> and a working-day calendar, a missing date field,
/// before mode, date fields, the first run, and failure isolation.
/// </summary>
[Collection(TimeRulesCollection.Name)]
public sealed class TimeRuleScenarioTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TimeRulesApp _app = null!;
    private string _lead = "";

    public async Task InitializeAsync()
    {
        _app = await TimeRulesApp.StartAsync(azurite, new ManualClock(At("2020-01-01 02:00:00")));
        await _app.ResetAsync();
        _lead = await _app.CreateLeadModelAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Scenario30_IntervalEvolution_OnlyDecreases_AndFollowsActiveTimeRules()
    {
        var fresh = await _app.SchedulerAsync();
        Assert.False(fresh["active"]!.GetValue<bool>());
        Assert.Equal((4, "hours"), Interval(fresh));

        var twoHoursBefore = await _app.CreateRuleAsync(TimeRule("on_time", 2, "hour", dateField: "date_start", mode: "before"));
        Assert.Equal((true, 12), State(await _app.SchedulerAsync()));
        var oneHourAfterCreation = await _app.CreateRuleAsync(TimeRule("on_time_created", 1, "hour"));
        Assert.Equal((true, 6), State(await _app.SchedulerAsync()));

        await _app.PatchRuleAsync(Id(oneHourAfterCreation), """{"active": false}""");
        Assert.Equal((true, 6), State(await _app.SchedulerAsync()));
        await _app.PatchRuleAsync(Id(twoHoursBefore), """{"active": false}""");
        Assert.Equal((false, 6), State(await _app.SchedulerAsync()));

        await _app.PatchRuleAsync(Id(twoHoursBefore), """{"active": true}""");
        await _app.PatchRuleAsync(Id(oneHourAfterCreation), """{"active": true}""");
        Assert.Equal((true, 6), State(await _app.SchedulerAsync()));
        await _app.CreateRuleAsync(TimeRule("on_time_created", 0, "hour"));
        Assert.Equal((true, 6), State(await _app.SchedulerAsync()));
    }

    [Theory]
    [InlineData(3, "hour", 18, "minutes")]
    [InlineData(40, "hour", 4, "hours")]
    [InlineData(5, "minutes", 1, "minutes")]
    [InlineData(10, "hour", 1, "hours")]
    [InlineData(1, "month", 4, "hours")]
    public async Task Scenario31_IntervalFormula_OnAFreshScheduler(int range, string unit, int number, string type)
    {
        await _app.CreateRuleAsync(TimeRule("on_time_created", range, unit));

        Assert.Equal((number, type), Interval(await _app.SchedulerAsync()));
    }

    [Fact]
    public async Task Scheduler_AdminSetsTheInterval_RuleChangesOnlyShortenIt()
    {
        var put = await _app.SendAsync(HttpMethod.Put, "/api/admin/scheduler", """{"interval_number": 2, "interval_type": "hours"}""", HttpStatusCode.OK);
        Assert.Equal(120, put!["interval_minutes"]!.GetValue<int>());

        await _app.CreateRuleAsync(TimeRule("on_time_created", 3, "hour"));
        Assert.Equal((true, 18), State(await _app.SchedulerAsync()));

        await _app.SendAsync(HttpMethod.Put, "/api/admin/scheduler", """{"interval_minutes": 60}""", HttpStatusCode.OK);
        Assert.Equal((true, 60), State(await _app.SchedulerAsync())); // longer by hand: kept until a rule asks for shorter

        var invalid = await _app.SendAsync(HttpMethod.Put, "/api/admin/scheduler", """{"interval_minutes": 0, "colour": "red"}""", HttpStatusCode.BadRequest);
        Assert.NotNull(invalid!["errors"]!["interval_minutes"]);
        Assert.NotNull(invalid["errors"]!["colour"]);
        await _app.SendAsync(HttpMethod.Put, "/api/admin/scheduler", """{"interval_number": 2, "interval_type": "fortnights"}""", HttpStatusCode.BadRequest);
        await _app.SendAsync(HttpMethod.Put, "/api/admin/scheduler", """{"interval_minutes": 43201}""", HttpStatusCode.BadRequest);
    }

    /// <summary>
    /// Odoo's test_004_check_method_process: 15 leads at 03:00 (2 without date, 8 dated yesterday, 5 at 03:10…03:14), a rule
    /// "2 minutes after date_automation_last" with Odoo's retroactive first run. 03:02:01 → 10 processed; 03:13:59 → 12
    /// more (the 10 just stamped plus 03:10 and 03:11); switched to 2 working days on a calendar, one lead more, and
    /// 2020-02-02 03:11 → all 16 again.
    /// </summary>
    [Fact]
    public async Task Scenario32_WindowedProcessing_StampsDateAutomationLast_ThenWorkingDays()
    {
        var rule = await _app.CreateRuleAsync(TimeRule("on_time", 2, "minutes", dateField: "date_automation_last", retroactive: true, action: Increment()));
        var now = At("2020-01-01 03:00:00");
        _app.Clock.Set(now);
        for (var i = 0; i < 15; i++)
        {
            var date = i < 2 ? "null" : i < 10 ? Json(now.AddDays(-1)) : Json(now.AddMinutes(i));
            await _app.CreateAsync(_lead, $$"""{"name":"lead {{i}}","date_automation_last":{{date}}}""");
        }

        var first = await _app.RunAsync(At("2020-01-01 03:02:01"));
        Assert.Equal(10, TimeRulesApp.RuleOf(first, Id(rule))["processed"]!.GetValue<int>());
        Assert.Equal(10, await TotalCountAsync());
        var lastRun = TimeRulesApp.RuleOf(first, Id(rule))["last_run"]!.GetValue<string>();
        Assert.Equal(first["now"]!.GetValue<string>(), lastRun);
        Assert.StartsWith("2020-01-01T03:02:01", lastRun, StringComparison.Ordinal);

        var second = await _app.RunAsync(At("2020-01-01 03:13:59"));
        Assert.Equal(12, TimeRulesApp.RuleOf(second, Id(rule))["processed"]!.GetValue<int>());
        Assert.Equal(22, await TotalCountAsync());

        var calendar = await _app.CreateAsync("resource.calendar", """
            {"name": "Standard 40 hours/week", "tz": "UTC", "attendance_ids": [
              [0,0,{"dayofweek":"0","hour_from":8,"hour_to":12}], [0,0,{"dayofweek":"0","hour_from":13,"hour_to":17}],
              [0,0,{"dayofweek":"1","hour_from":8,"hour_to":12}], [0,0,{"dayofweek":"1","hour_from":13,"hour_to":17}],
              [0,0,{"dayofweek":"2","hour_from":8,"hour_to":12}], [0,0,{"dayofweek":"2","hour_from":13,"hour_to":17}],
              [0,0,{"dayofweek":"3","hour_from":8,"hour_to":12}], [0,0,{"dayofweek":"3","hour_from":13,"hour_to":17}],
              [0,0,{"dayofweek":"4","hour_from":8,"hour_to":12}], [0,0,{"dayofweek":"4","hour_from":13,"hour_to":17}]]}
            """);
        await _app.PatchRuleAsync(Id(rule), $$"""{"trg_date_range_type": "day", "trg_date_calendar_id": {{calendar}}}""");
        await _app.CreateAsync(_lead, """{"name":"calendar"}""");
        var third = await _app.RunAsync(At("2020-02-02 03:11:00"));

        Assert.Equal(16, TimeRulesApp.RuleOf(third, Id(rule))["processed"]!.GetValue<int>());
        Assert.Equal(38, await TotalCountAsync());
        Assert.Equal("done", third["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario33_MissingDateField_LogsNothingSelected_AndStillSetsLastRun()
    {
        var rule = await _app.CreateRuleAsync(TimeRule("on_time", 1, "hour", dateField: null, action: Increment()));
        await _app.CreateAsync(_lead, """{"name":"any"}""");
        _app.Clock.Advance(TimeSpan.FromHours(3));

        var run = await _app.RunAsync();

        var check = TimeRulesApp.RuleOf(run, Id(rule));
        Assert.Equal("missing_date_field", check["status"]!.GetValue<string>());
        Assert.StartsWith("Missing date trigger", check["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, check["processed"]!.GetValue<int>());
        var scheduler = TimeRulesApp.RuleOfScheduler(await _app.SchedulerAsync(), Id(rule));
        Assert.Equal(run["now"]!.GetValue<string>(), scheduler["last_run"]!.GetValue<string>());
        Assert.Equal("none", scheduler["index"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario34_BeforeMode_ThreeHoursBefore_ProcessesStartsFromElevenToFifteen()
    {
        // The clock runs on while the test works: half a second before the round times keeps them on the intended side.
        _app.Clock.Set(At("2025-03-03 07:59:59").AddMilliseconds(500));
        var rule = await _app.CreateRuleAsync(TimeRule("on_time", 3, "hour", dateField: "date_start", mode: "before", action: Increment()));
        var starts = new Dictionary<string, long>();
        foreach (var start in new[] { "10:59:59", "11:00:00", "13:00:00", "14:59:59", "15:00:00" })
        {
            starts[start] = await _app.CreateAsync(_lead, $$"""{"name":"{{start}}","date_start":"2025-03-03T{{start}}Z"}""");
        }

        var run = await _app.RunAsync(At("2025-03-03 11:59:59").AddMilliseconds(500));

        Assert.Equal(3, TimeRulesApp.RuleOf(run, Id(rule))["processed"]!.GetValue<int>());
        foreach (var (start, id) in starts)
        {
            var expected = start is "11:00:00" or "13:00:00" or "14:59:59" ? 1 : 0;
            Assert.True(expected == await CountAsync(id), $"date_start {start}");
        }

        Assert.StartsWith("2025-03-03T11:59:59.", TimeRulesApp.RuleOf(run, Id(rule))["last_run"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scenario35_DateField_OneDayAfterTheDeadline_IsDayGranular()
    {
        _app.Clock.Set(At("2025-01-10 12:00:00"));
        var rule = await _app.CreateRuleAsync(TimeRule("on_time", 1, "day", dateField: "date_deadline", action: Increment()));
        var ninth = await _app.CreateAsync(_lead, """{"name":"9th","date_deadline":"2025-01-09"}""");
        var tenth = await _app.CreateAsync(_lead, """{"name":"10th","date_deadline":"2025-01-10"}""");
        var eleventh = await _app.CreateAsync(_lead, """{"name":"11th","date_deadline":"2025-01-11"}""");

        _app.Clock.Set(At("2025-01-11 12:00:00"));
        var run = await _app.RunAsync();

        Assert.Equal(1, TimeRulesApp.RuleOf(run, Id(rule))["processed"]!.GetValue<int>());
        Assert.Equal((0, 1, 0), (await CountAsync(ninth), await CountAsync(tenth), await CountAsync(eleventh)));
    }

    /// <summary>
    /// 1,000 records created over the past year. Odoo's first run (empty last_run) processes them all; ours starts at
    /// activation and processes none, unless the rule asks for Odoo's retroactive first run.
    /// </summary>
    [Fact]
    public async Task Scenario36_FirstRun_StartsAtActivation_OrIsRetroactiveOnRequest()
    {
        _app.Clock.Set(At("2024-01-01 06:00:00"));
        for (var month = 0; month < 10; month++)
        {
            // 100 creates at a time, once a month or so.
            using var gate = new SemaphoreSlim(16);
            await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    await _app.CreateAsync(_lead, $$"""{"name":"old {{month}}.{{i}}"}""");
                }
                finally
                {
                    gate.Release();
                }
            }));
            _app.Clock.Advance(TimeSpan.FromDays(35));
        }

        _app.Clock.Set(At("2025-01-01 06:00:00"));
        var atActivation = await _app.CreateRuleAsync(TimeRule("on_time_created", 1, "day"));
        var retroactive = await _app.CreateRuleAsync(TimeRule("on_time_created", 1, "day", retroactive: true));
        Assert.StartsWith("2025-01-01T06:00", atActivation["last_run"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(retroactive["last_run"]);
        Assert.True(retroactive[TimeRuleRetroactive]!.GetValue<bool>());
        _app.Clock.Advance(TimeSpan.FromMinutes(10));

        var run = await _app.RunAsync();

        Assert.Equal(0, TimeRulesApp.RuleOf(run, Id(atActivation))["processed"]!.GetValue<int>());
        Assert.Equal(1000, TimeRulesApp.RuleOf(run, Id(retroactive))["processed"]!.GetValue<int>());
    }

    /// <summary>
    /// Two time rules; the first one's action raises on one record. That rule keeps its last_run, the second runs and
    /// moves its last_run, and the check is marked failed naming the first. (Odoo also rolls the first rule's other records
    /// back; here they stay done, and are not repeated when the window is retried after the fix.)
    /// </summary>
    [Fact]
    public async Task Scenario37_FailureIsolation_TheFailingRuleKeepsItsLastRun_TheOtherRuns()
    {
        var failing = await _app.CreateRuleAsync(TimeRule("on_time_created", 1, "hour", action: new JsonObject
        {
            ["name"] = "Raise on bad",
            ["state"] = "code",
            ["code"] = "if record.name == 'bad':\n    raise UserError('bad record')\nrecord.write({'x_count': record.x_count + 1})",
        }));
        var other = await _app.CreateRuleAsync(TimeRule("on_time_created", 1, "hour", action: Increment()));
        var activation = failing["last_run"]!.GetValue<string>();
        var good = await _app.CreateAsync(_lead, """{"name":"good"}""");
        var bad = await _app.CreateAsync(_lead, """{"name":"bad"}""");
        _app.Clock.Advance(TimeSpan.FromHours(2));

        var run = await _app.RunAsync();

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Equal("failed", TimeRulesApp.RuleOf(run, Id(failing))["status"]!.GetValue<string>());
        Assert.Contains("bad record", TimeRulesApp.RuleOf(run, Id(failing))["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("done", TimeRulesApp.RuleOf(run, Id(other))["status"]!.GetValue<string>());
        var scheduler = await _app.SchedulerAsync();
        Assert.Equal("failed", scheduler["last_status"]!.GetValue<string>());
        Assert.Contains($"`{failing["name"]}`", scheduler["last_error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith(activation[..16], TimeRulesApp.RuleOfScheduler(scheduler, Id(failing))["last_run"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(run["now"]!.GetValue<string>(), TimeRulesApp.RuleOfScheduler(scheduler, Id(other))["last_run"]!.GetValue<string>());
        Assert.Equal((2, 1), (await CountAsync(good), await CountAsync(bad))); // good: both rules; bad: the other rule only

        // Fixed: the window is retried from the kept last_run; the failed record runs, the done one is not repeated.
        await _app.PatchRuleAsync(Id(failing), new JsonObject { ["action_server_ids"] = new JsonArray(Increment()) }.ToJsonString());
        _app.Clock.Advance(TimeSpan.FromMinutes(10));
        var retry = await _app.RunAsync();

        Assert.Equal("done", retry["status"]!.GetValue<string>());
        Assert.Equal(1, TimeRulesApp.RuleOf(retry, Id(failing))["processed"]!.GetValue<int>());
        Assert.Equal((2, 2), (await CountAsync(good), await CountAsync(bad)));
        Assert.Equal(retry["now"]!.GetValue<string>(), TimeRulesApp.RuleOf(retry, Id(failing))["last_run"]!.GetValue<string>());
    }

    private const string TimeRuleRetroactive = "trg_date_retroactive";

    private JsonObject TimeRule(string trigger, int range, string unit, string? dateField = null, string? mode = null, bool retroactive = false,
        JsonObject? action = null)
    {
        var rule = new JsonObject
        {
            ["name"] = $"{trigger} {range} {unit} {Guid.NewGuid().ToString("N")[..6]}",
            ["model"] = _lead,
            ["trigger"] = trigger,
            ["trg_date_range"] = range,
            ["trg_date_range_type"] = unit,
            ["action_server_ids"] = action is null ? new JsonArray() : new JsonArray(action),
        };
        if (dateField is not null)
        {
            rule["trg_date_id"] = dateField;
        }

        if (mode is not null)
        {
            rule["trg_date_range_mode"] = mode;
        }

        if (retroactive)
        {
            rule[TimeRuleRetroactive] = true;
        }

        return rule;
    }

    private static JsonObject Increment() => new()
    {
        ["name"] = "Count",
        ["state"] = "object_write",
        ["update_path"] = "x_count",
        ["evaluation_type"] = "equation",
        ["value"] = "record.x_count + 1",
    };

    private async Task<long> CountAsync(long id) => (await _app.ReadAsync(_lead, id))["x_count"]?.GetValue<long>() ?? 0;

    private async Task<long> TotalCountAsync()
    {
        var page = await _app.SendAsync(HttpMethod.Get, $"/api/records/{_lead}?fields=x_count&limit=1000", null, HttpStatusCode.OK);
        return page!["records"]!.AsArray().Sum(r => r!["x_count"]?.GetValue<long>() ?? 0);
    }

    private static long Id(JsonObject rule) => rule["id"]!.GetValue<long>();

    private static (int, string) Interval(JsonObject scheduler) =>
        (scheduler["interval_number"]!.GetValue<int>(), scheduler["interval_type"]!.GetValue<string>());

    private static (bool, int) State(JsonObject scheduler) =>
        (scheduler["active"]!.GetValue<bool>(), scheduler["interval_minutes"]!.GetValue<int>());

    private static string Json(DateTimeOffset value) => "\"" + value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "\"";
}
