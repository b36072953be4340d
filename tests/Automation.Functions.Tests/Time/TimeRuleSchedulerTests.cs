using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Automation.Functions.Hosting;
using Automation.Testing;
using static Automation.Functions.Tests.Time.ManualClock;

namespace Automation.Functions.Tests.Time;

/// <summary>The scheduler as an administrator sees and drives it, the timer that runs it when due, and time rule validation.</summary>
[Collection(TimeRulesCollection.Name)]
public sealed class TimeRuleSchedulerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TimeRulesApp _app = null!;
    private string _lead = "";

    public async Task InitializeAsync()
    {
        _app = await TimeRulesApp.StartAsync(azurite, new ManualClock(At("2026-06-01 08:00:00")));
        await _app.ResetAsync();
        _lead = await _app.CreateLeadModelAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Issue #9 acceptance: for every time rule, its last_run, the next due moment, and how late it can fire.</summary>
    [Fact]
    public async Task Get_ShowsEachRulesLastRun_NextDueMoment_AndHowLateItCanFire()
    {
        _app.Clock.Set(At("2026-06-01 09:00:00"));
        var rule = await _app.CreateRuleAsync(Rule("on_time", 30, "minutes", "date_start"));
        await _app.CreateAsync(_lead, """{"name":"a","date_start":"2026-06-01T09:40:00Z"}""");
        await _app.CreateAsync(_lead, """{"name":"b","date_start":"2026-06-01T09:20:00Z"}""");
        await _app.RunAsync(At("2026-06-01 09:05:00")); // builds the index; nothing due yet

        var scheduler = await _app.SchedulerAsync();

        Assert.Equal(3, scheduler["interval_minutes"]!.GetValue<int>()); // a tenth of 30 minutes
        Assert.Equal(86_400, scheduler["tick_seconds"]!.GetValue<double>()); // the tests' timer: daily
        Assert.Equal(3 + 24 * 60, scheduler["max_lateness_minutes"]!.GetValue<double>());
        var view = TimeRulesApp.RuleOfScheduler(scheduler, rule["id"]!.GetValue<long>());
        Assert.StartsWith("2026-06-01T09:05:00", view["last_run"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("2026-06-01T09:50:00Z", view["next_due"]!.GetValue<string>()); // 09:20 + 30 minutes
        var nextCheck = Instant(scheduler["next_check"]!);
        var firesBy = Instant(view["fires_by"]!);
        Assert.True(firesBy > At("2026-06-01 09:50:00") && firesBy <= At("2026-06-01 09:50:00").AddMinutes(3).AddDays(1), $"fires by {firesBy}");
        Assert.Equal(0, (firesBy - TimeSpan.FromDays(1) - nextCheck).Ticks % TimeSpan.FromMinutes(3).Ticks); // on a scheduled check
        Assert.Equal("ready", view["index"]!.GetValue<string>());
    }

    [Fact]
    public async Task Timer_RunsTheCheckOnlyWhenDue()
    {
        var timer = _app.Services.GetServices<ITimerFunction>().Single(f => f.Name == "TimeRules");
        var tick = new TimerTrigger(false, null, null);
        await _app.CreateRuleAsync(Rule("on_time_created", 1, "hour")); // 6-minute interval; active: due at the next tick
        var record = await _app.CreateAsync(_lead, """{"name":"r"}""");
        await _app.QuietAsync();

        await timer.RunAsync(tick, CancellationToken.None);
        var first = await _app.SchedulerAsync();
        Assert.NotNull(first["last_check"]);
        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        await timer.RunAsync(tick, CancellationToken.None); // not due: 6 minutes have not passed
        Assert.Equal(first["last_check"]!.GetValue<string>(), (await _app.SchedulerAsync())["last_check"]!.GetValue<string>());

        _app.Clock.Advance(TimeSpan.FromHours(1));
        await timer.RunAsync(tick, CancellationToken.None);

        Assert.NotEqual(first["last_check"]!.GetValue<string>(), (await _app.SchedulerAsync())["last_check"]!.GetValue<string>());
        Assert.Equal(1, (await _app.ReadAsync(_lead, record))["x_count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Run_WhileAnotherCheckHoldsTheLease_Answers409()
    {
        var states = _app.Services.GetRequiredService<Core.Time.ITimeRuleStates>();
        var now = _app.Clock.GetUtcNow().UtcDateTime;
        Assert.True(await states.TryAcquireAsync("another instance", now, now.AddMinutes(1), CancellationToken.None));

        var busy = await _app.SendAsync(HttpMethod.Post, "/api/admin/scheduler/run", null, HttpStatusCode.Conflict);

        Assert.Equal("A check is running", busy!["title"]!.GetValue<string>());
        _app.Clock.Advance(TimeSpan.FromMinutes(2)); // the other instance died: its lease runs out
        await _app.SendAsync(HttpMethod.Post, "/api/admin/scheduler/run", null, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("trg_date_range_type", "\"weeks\"", "Unknown delay unit")]
    [InlineData("trg_date_range_mode", "\"sideways\"", "Unknown delay mode")]
    [InlineData("trg_date_range", "-3", "Delay must be positive. Set 'Delay mode' to 'Before' to negate the delay.")]
    [InlineData("trg_date_range", "100000000", "A delay of at most")]
    [InlineData("trg_date_id", "\"name\"", "must be a date or datetime field")]
    [InlineData("trg_date_id", "\"nothing\"", "has no field 'nothing'")]
    [InlineData("trg_date_retroactive", "\"yes\"", "Expected true or false.")]
    public async Task Save_InvalidTimeFields_AreRefusedWithTheFieldAndTheReason(string field, string json, string message)
    {
        var rule = Rule("on_time", 1, "hour", "date_start");
        rule[field] = JsonNode.Parse(json);

        var problem = await _app.SendAsync(HttpMethod.Post, "/api/admin/rules", rule.ToJsonString(), HttpStatusCode.BadRequest);

        Assert.Contains(message, problem!["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_CalendarWithAnotherUnit_IsDropped_AsOdooDoes()
    {
        var rule = Rule("on_time", 2, "hour", "date_start");
        rule["trg_date_calendar_id"] = 1;

        var saved = await _app.CreateRuleAsync(rule);

        Assert.Null(saved["trg_date_calendar_id"]);
    }

    private JsonObject Rule(string trigger, int range, string unit, string? dateField = null)
    {
        var rule = new JsonObject
        {
            ["name"] = $"{trigger} {range} {unit}",
            ["model"] = _lead,
            ["trigger"] = trigger,
            ["trg_date_range"] = range,
            ["trg_date_range_type"] = unit,
            ["action_server_ids"] = new JsonArray(new JsonObject
            {
                ["name"] = "Count",
                ["state"] = "object_write",
                ["update_path"] = "x_count",
                ["evaluation_type"] = "equation",
                ["value"] = "record.x_count + 1",
            }),
        };
        if (dateField is not null)
        {
            rule["trg_date_id"] = dateField;
        }

        return rule;
    }

    private static DateTimeOffset Instant(JsonNode node) =>
        DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
