using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Testing;

namespace Automation.Functions.Tests.Management;

/// <summary>
/// Run history and replay (issue #10 acceptance): a run that failed because of a rule bug succeeds once the rule is fixed
/// and the run replayed, without repeating the actions that had succeeded and without a second run record.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunHistoryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestAppRoot _root = new();
    private TestApp _app = null!;
    private HttpClient _http = null!;
    private string _model = "";

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: false);
        _http = _app.Admin();
        _model = "x_replay" + Guid.NewGuid().ToString("N")[..8];
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{_model}", """{"fields":{"name":{"type":"char"},"count":{"type":"integer"}}}""",
            HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task Replay_OfARunThatFailedOnARuleBug_SucceedsAfterTheFix_WithoutRepeatingOrDuplicating()
    {
        var rule = await CreateRuleAsync("on_create", "record.write({'name': record.nme.upper()})");
        var record = await CreateRecordAsync("lead");
        var failed = await SingleRunAsync(rule, "failed");
        Assert.Contains("nme", failed["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, failed["actions_done"]!.GetValue<int>());

        await SendAsync(HttpMethod.Patch, $"/api/admin/rules/{rule}", Actions("record.write({'name': record.name.upper()})"), HttpStatusCode.OK);
        var replayed = await SendAsync(HttpMethod.Post, $"/api/admin/runs/{failed["id"]}/replay", "{}", HttpStatusCode.OK);
        await SendAsync(HttpMethod.Post, $"/api/admin/runs/{failed["id"]}/replay", "{}", HttpStatusCode.Conflict);

        Assert.Equal("done", replayed["status"]!.GetValue<string>());
        Assert.Equal("failed", replayed["replays"]![0]!["previous_status"]!.GetValue<string>());
        var after = await SendAsync(HttpMethod.Get, $"/api/records/{_model}/{record}", null, HttpStatusCode.OK);
        Assert.Equal("LEAD", after["name"]!.GetValue<string>());
        Assert.Equal(1, after["count"]!.GetValue<int>()); // the first action ran once, not again on replay
        var runs = (await SendAsync(HttpMethod.Get, $"/api/admin/runs?rule_id={rule}", null, HttpStatusCode.OK))["runs"]!.AsArray();
        Assert.Equal(failed["id"]!.GetValue<string>(), Assert.Single(runs)!["id"]!.GetValue<string>());
        Assert.Equal("done", runs[0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Replay_OfAFailedWebhookCall_RunsItAgainWithItsPayload_AndTheCallEndsDone()
    {
        var created = await SendAsync(HttpMethod.Post, "/api/admin/rules", $$"""
            {"name":"Hooked","model":"{{_model}}","trigger":"on_webhook",
             "action_server_ids":[{"name":"Name it","state":"code","code":"record.write({'name': payload['nam']})"}]}
            """, HttpStatusCode.Created);
        var rule = created["id"]!.GetValue<long>();
        var record = await CreateRecordAsync("before");
        using var hook = await _app.Http.PostAsync(created["url"]!.GetValue<string>(),
            new StringContent($$"""{"_model":"{{_model}}","_id":{{record}},"name":"after"}""", Encoding.UTF8, "application/json"));
        var callId = JsonNode.Parse(await hook.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var call = await SendAsync(HttpMethod.Get, $"/api/admin/calls/{callId}?wait=10", null, HttpStatusCode.OK);
        Assert.Equal("failed", call["status"]!.GetValue<string>());
        var failed = await SingleRunAsync(rule, "failed");
        Assert.Equal("webhook_call", failed["source"]!["type"]!.GetValue<string>());

        await SendAsync(HttpMethod.Patch, $"/api/admin/rules/{rule}",
            """{"action_server_ids":[{"name":"Name it","state":"code","code":"record.write({'name': payload['name']})"}]}""", HttpStatusCode.OK);
        var replayed = await SendAsync(HttpMethod.Post, $"/api/admin/runs/{failed["id"]}/replay", "{}", HttpStatusCode.OK);

        Assert.Equal("done", replayed["status"]!.GetValue<string>());
        Assert.Equal("after", (await SendAsync(HttpMethod.Get, $"/api/records/{_model}/{record}", null, HttpStatusCode.OK))["name"]!.GetValue<string>());
        Assert.Equal("done", (await SendAsync(HttpMethod.Get, $"/api/admin/calls/{callId}", null, HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_FiltersByRuleAndStatus_NewestFirst_AndPagesWithACursor()
    {
        var rule = await CreateRuleAsync("on_create", "record.write({'name': 'ok'})");
        var records = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            records.Add(await CreateRecordAsync("r" + i));
            await SingleRunForRecordAsync(rule, records[^1]);
        }

        var first = await SendAsync(HttpMethod.Get, $"/api/admin/runs?rule_id={rule}&status=done&limit=2", null, HttpStatusCode.OK);
        var second = await SendAsync(HttpMethod.Get,
            $"/api/admin/runs?rule_id={rule}&status=done&limit=2&cursor={first["next_cursor"]!.GetValue<string>()}", null, HttpStatusCode.OK);
        var failedOnly = await SendAsync(HttpMethod.Get, $"/api/admin/runs?rule_id={rule}&status=failed", null, HttpStatusCode.OK);
        var acrossRules = await SendAsync(HttpMethod.Get, "/api/admin/runs?status=done&limit=1000", null, HttpStatusCode.OK);

        var order = first["runs"]!.AsArray().Concat(second["runs"]!.AsArray()).Select(r => r!["record_ids"]![0]!.GetValue<long>()).ToList();
        Assert.Equal(Enumerable.Reverse(records), order);
        Assert.Null(second["next_cursor"]);
        Assert.Empty(failedOnly["runs"]!.AsArray());
        Assert.Equal(3, acrossRules["runs"]!.AsArray().Count(r => r!["rule_id"]!.GetValue<long>() == rule));
        var detail = await SendAsync(HttpMethod.Get, $"/api/admin/runs/{first["runs"]![0]!["id"]}", null, HttpStatusCode.OK);
        Assert.Equal(records[^1], detail["record_ids"]![0]!.GetValue<long>());
        Assert.Equal("Set name", detail["actions"]![1]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_WithBadParameters_Answers400ByField_AndUnknownRun404()
    {
        using var bad = await _http.GetAsync("/api/admin/runs?status=crashed&limit=5000&cursor=nonsense");
        var errors = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!.AsObject().Select(e => e.Key).ToList();
        using var missing = await _http.GetAsync("/api/admin/runs/1-9223370000000000000-none");
        using var replayMissing = await _http.PostAsync("/api/admin/runs/junk/replay", null);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["cursor", "limit", "status"], errors.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, replayMissing.StatusCode);
    }

    private async Task<long> CreateRuleAsync(string trigger, string secondCode)
    {
        var body = JsonNode.Parse($$"""{"name":"Replayable","model":"{{_model}}","trigger":"{{trigger}}"}""")!.AsObject();
        body["action_server_ids"] = JsonNode.Parse(Actions(secondCode))!["action_server_ids"]!.DeepClone();
        return (await SendAsync(HttpMethod.Post, "/api/admin/rules", body.ToJsonString(), HttpStatusCode.Created))["id"]!.GetValue<long>();
    }

    /// <summary>Two actions: a counter (so a repeat would show), then the code under test.</summary>
    private static string Actions(string secondCode) => new JsonObject
    {
        ["action_server_ids"] = new JsonArray(
            new JsonObject { ["name"] = "Count", ["sequence"] = 1, ["state"] = "code", ["code"] = "record.write({'count': (record.count or 0) + 1})" },
            new JsonObject { ["name"] = "Set name", ["sequence"] = 2, ["state"] = "code", ["code"] = secondCode }),
    }.ToJsonString();

    private async Task<long> CreateRecordAsync(string name) =>
        (await SendAsync(HttpMethod.Post, $"/api/records/{_model}", $$"""{"name":"{{name}}"}""", HttpStatusCode.Created))["id"]!.GetValue<long>();

    private Task<JsonNode> SingleRunAsync(long rule, string status) =>
        Eventually.MatchAsync(
            async () => (await SendAsync(HttpMethod.Get, $"/api/admin/runs?rule_id={rule}&status={status}", null, HttpStatusCode.OK))["runs"]!.AsArray()
                .FirstOrDefault() ?? JsonValue.Create(0),
            r => r is JsonObject, what: $"a {status} run of rule {rule}");

    private Task<JsonNode> SingleRunForRecordAsync(long rule, long record) =>
        Eventually.MatchAsync(
            async () => (await SendAsync(HttpMethod.Get, $"/api/admin/runs?rule_id={rule}&status=done", null, HttpStatusCode.OK))["runs"]!.AsArray()
                .FirstOrDefault(r => r!["record_ids"]![0]!.GetValue<long>() == record) ?? JsonValue.Create(0),
            r => r is JsonObject, what: $"the run of rule {rule} on record {record}");

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }
}
