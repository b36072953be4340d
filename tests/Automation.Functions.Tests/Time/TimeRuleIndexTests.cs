using System.Net;
using System.Text.Json.Nodes;
using Automation.Core.Time;
using Automation.Testing;
using static Automation.Functions.Tests.Time.ManualClock;

namespace Automation.Functions.Tests.Time;

/// <summary>
/// The trigger-date index through the app: kept current by creates, writes and deletes, read by range (the check's cost
/// follows the due records, not the model), and filtered the way Odoo's search is (apply-on domain, archived records).
/// </summary>
[Collection(TimeRulesCollection.Name)]
public sealed class TimeRuleIndexTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TimeRulesApp _app = null!;
    private string _lead = "";

    public async Task InitializeAsync()
    {
        _app = await TimeRulesApp.StartAsync(azurite, new ManualClock(At("2026-03-02 09:00:00")));
        await _app.ResetAsync();
        _lead = await _app.CreateLeadModelAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Check_SeesDateChangesDeletesArchivesAndTheDomain_AndReadsOnlyTheWindowsEntries()
    {
        _app.Clock.Set(At("2026-03-02 10:00:00"));
        var rule = await _app.CreateRuleAsync(new JsonObject
        {
            ["name"] = "An hour after the start",
            ["model"] = _lead,
            ["trigger"] = "on_time",
            ["trg_date_id"] = "date_start",
            ["trg_date_range"] = 1,
            ["trg_date_range_type"] = "hour",
            ["filter_domain"] = "[('state', '!=', 'done')]",
            ["action_server_ids"] = new JsonArray(Increment()),
        });
        // Indexed by the build at the first check: these exist before it.
        var due = await CreateAsync("10:30");
        var undated = await _app.CreateAsync(_lead, """{"name":"no date"}""");
        await _app.RunAsync(At("2026-03-02 10:00:30"));

        // Indexed from change events: these come after the build.
        var dueToo = await CreateAsync("10:40");
        var archived = await CreateAsync("10:45");
        await _app.WriteAsync(_lead, archived, """{"active": false}""");
        var excluded = await CreateAsync("10:50");
        await _app.WriteAsync(_lead, excluded, """{"state": "done"}""");
        var movedIn = await CreateAsync("2026-03-02T15:00:00Z", raw: true);
        await _app.WriteAsync(_lead, movedIn, """{"date_start": "2026-03-02T10:20:00Z"}""");
        var movedOut = await CreateAsync("10:35");
        await _app.WriteAsync(_lead, movedOut, """{"date_start": "2026-03-02T13:00:00Z"}""");
        var cleared = await CreateAsync("10:36");
        await _app.WriteAsync(_lead, cleared, """{"date_start": false}""");
        var deleted = await CreateAsync("10:33");
        await _app.SendAsync(HttpMethod.Delete, $"/api/records/{_lead}/{deleted}", null, HttpStatusCode.NoContent);
        for (var i = 0; i < 200; i++)
        {
            await _app.CreateAsync(_lead, $$"""{"name":"later {{i}}","date_start":"2030-01-01T00:00:00Z"}"""); // never in this window
        }

        var run = await _app.RunAsync(At("2026-03-02 12:00:00"));

        var check = TimeRulesApp.RuleOf(run, rule["id"]!.GetValue<long>());
        Assert.Equal(3, check["processed"]!.GetValue<int>());
        foreach (var (id, expected) in new[] { (due, 1), (dueToo, 1), (movedIn, 1), (undated, 0), (archived, 0), (excluded, 0), (movedOut, 0), (cleared, 0) })
        {
            Assert.True(expected == ((await _app.ReadAsync(_lead, id))["x_count"]?.GetValue<long>() ?? 0), $"record {id}");
        }

        // Only the window's entries were read: the due ones and the archived and excluded ones the check filtered out.
        Assert.Equal(5, check["entries_read"]!.GetValue<int>());
        Assert.Equal(5, check["records_read"]!.GetValue<int>());
    }

    [Fact]
    public async Task LateEntry_ASeenTooLateChange_IsProcessedByTheNextCheck()
    {
        var rule = await _app.CreateRuleAsync(new JsonObject
        {
            ["name"] = "At the start",
            ["model"] = _lead,
            ["trigger"] = "on_time",
            ["trg_date_id"] = "date_start",
            ["trg_date_range"] = 0,
            ["trg_date_range_type"] = "minutes",
            ["action_server_ids"] = new JsonArray(Increment()),
        });
        var ruleId = rule["id"]!.GetValue<long>();
        var record = await CreateAsync("09:45");
        await _app.RunAsync(At("2026-03-02 09:29:30")); // a window before the record's moment

        // As TriggerDateObserver records it when it indexes a change after a window that should have seen it was scanned.
        var spec = TimeRuleSpec.For(new Core.Rules.AutomationRule
        {
            Id = ruleId,
            Name = "x",
            Model = _lead,
            Trigger = "on_time",
            TrgDateId = "date_start",
            TrgDateRange = 0,
            TrgDateRangeType = "minutes"
        })!;
        var value = At("2026-03-02 09:29:00").UtcDateTime.Ticks;
        await _app.WriteAsync(_lead, record, """{"date_start": "2026-03-02T09:29:00Z"}""");
        await _app.QuietAsync();
        await _app.Services.GetRequiredService<ITriggerDateIndex>().AddLateAsync(new DateIndexKey(_lead, "date_start"),
            new LateEntry(ruleId, spec.Config, value, record), CancellationToken.None);

        var run = await _app.RunAsync(At("2026-03-02 09:31:00"));

        Assert.Equal(1, TimeRulesApp.RuleOf(run, ruleId)["processed"]!.GetValue<int>());
        Assert.Equal(1, (await _app.ReadAsync(_lead, record))["x_count"]!.GetValue<long>());
        Assert.Empty(await _app.Services.GetRequiredService<ITriggerDateIndex>().LateAsync(new DateIndexKey(_lead, "date_start"), ruleId, 10,
            CancellationToken.None));
    }

    private async Task<long> CreateAsync(string time, bool raw = false)
    {
        var start = raw ? time : $"2026-03-02T{time}:00Z";
        return await _app.CreateAsync(_lead, $$"""{"name":"{{time}}","date_start":"{{start}}"}""");
    }

    private static JsonObject Increment() => new()
    {
        ["name"] = "Count",
        ["state"] = "object_write",
        ["update_path"] = "x_count",
        ["evaluation_type"] = "equation",
        ["value"] = "record.x_count + 1",
    };
}
