using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Automation.Storage;
using Automation.Storage.Queues;

namespace Automation.EndToEnd.Tests;

/// <summary>
/// What happens to an accepted call (spec §4.5, §4.6 and §10 scenarios 38–46), the test endpoint, and redelivery, on
/// the real executable and Azurite. Each test makes its own records and rules.
/// </summary>
public sealed class WebhookScenarioTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    private async Task<long> PartnerAsync(string name, string? extra = null) =>
        (await app.SendJsonAsync(HttpMethod.Post, "/api/records/res.partner", $$"""{"name":"{{name}}"{{extra}}}""", HttpStatusCode.Created))["id"]!
            .GetValue<long>();

    private static string Unique(string prefix) => prefix + " " + Guid.NewGuid().ToString("N")[..8];

    /// <summary>spec §10 scenario 38's rule: find the record by the payload's name, write a field.</summary>
    private Task<(long Id, string? Url)> SearchRuleAsync(bool logCalls = false, string? filterDomain = null) => app.CreateRuleAsync($$"""
        {"name":"Write by name","model":"res.partner","trigger":"on_webhook","log_webhook_calls":{{(logCalls ? "true" : "false")}},
         "record_getter":"model.search([('name','=',payload['name'])]) if payload.get('name') else None"{{(filterDomain is null ? "" : $",\"filter_domain\":\"{filterDomain}\"")}},
         "action_server_ids":[{"name":"Write","state":"object_write","update_path":"city","value":"written"}]}
        """);

    [Fact]
    public async Task Scenario38_Success_TheFoundRecordIsWritten()
    {
        var name = Unique("Scenario 38");
        var partner = await PartnerAsync(name);
        var (_, url) = await SearchRuleAsync();

        var response = await app.CallAsync(url!, $$"""{"name": "{{name}}"}""");
        var call = await app.FinishedCallAsync(response.CallId!);

        Assert.Equal("""{"status":"ok","id":"CALL"}""", response.Body!.ToJsonString().Replace(response.CallId!, "CALL", StringComparison.Ordinal));
        Assert.Equal("done", call["status"]!.GetValue<string>());
        Assert.Equal("written", (await app.RecordAsync("res.partner", partner))["city"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scenario39_GetterReturnsNothing_CallFailsWithOdoosMessage_AndNothingChanges()
    {
        var (_, url) = await SearchRuleAsync();

        var response = await app.CallAsync(url!, "{}");
        var call = await app.FinishedCallAsync(response.CallId!);

        Assert.Equal(HttpStatusCode.OK, response.Status); // accepted: the outcome is the call's (ARCHITECTURE D9)
        Assert.Equal("failed", call["status"]!.GetValue<string>());
        Assert.Equal("No record to run the automation on was found.", call["error"]!.GetValue<string>());
        Assert.Empty(call["record_ids"]!.AsArray());
    }

    [Fact]
    public async Task Scenario45_LogCalls_SuccessWritesInfo_NoRecordWritesInfoAndError_Off_WritesNothing()
    {
        var name = Unique("Scenario 45");
        await PartnerAsync(name);
        var (logged, url) = await SearchRuleAsync(logCalls: true);
        var (silent, silentUrl) = await SearchRuleAsync();

        var ok = await app.CallAsync(url!, $$"""{"name": "{{name}}"}""");
        await app.FinishedCallAsync(ok.CallId!);
        var missing = await app.CallAsync(url!, """{"name": "nobody at all"}""");
        await app.FinishedCallAsync(missing.CallId!);
        await app.FinishedCallAsync((await app.CallAsync(silentUrl!, $$"""{"name": "{{name}}"}""")).CallId!);
        var lines = (await app.SendJsonAsync(HttpMethod.Get, $"/api/admin/rules/{logged}/logs", null, HttpStatusCode.OK)).AsArray();
        var none = (await app.SendJsonAsync(HttpMethod.Get, $"/api/admin/rules/{silent}/logs", null, HttpStatusCode.OK)).AsArray();

        var rule = logged.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(3, lines.Count); // newest first
        Assert.Equal(("ERROR", $"Webhook #{rule} could not be triggered because no record to run it on was found.", missing.CallId),
            Line(lines[0]!));
        Assert.Equal(("INFO", $"Webhook #{rule} triggered with payload {{'name': 'nobody at all'}}", missing.CallId), Line(lines[1]!));
        Assert.Equal(("INFO", $"Webhook #{rule} triggered with payload {{'name': '{name}'}}", ok.CallId), Line(lines[2]!));
        Assert.Empty(none);
    }

    private static (string, string, string?) Line(JsonNode line) =>
        (line["level"]!.GetValue<string>(), line["message"]!.GetValue<string>(), line["call_id"]!.GetValue<string>());

    [Fact]
    public async Task Scenario46_FilterDomainIsNotAppliedToWebhookTargets()
    {
        var name = Unique("Scenario 46");
        var partner = await PartnerAsync(name);
        var (_, url) = await SearchRuleAsync(filterDomain: "[('city','=','Nowhere')]");

        await app.FinishedCallAsync((await app.CallAsync(url!, $$"""{"name": "{{name}}"}""")).CallId!);

        Assert.Equal("written", (await app.RecordAsync("res.partner", partner))["city"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_GetterReturnsRecordsOfAnotherModel_CallFails_AndNoActionRuns()
    {
        var partner = await PartnerAsync(Unique("Wrong model"));
        var (rule, url) = await app.CreateRuleAsync($$"""
            {"name":"Currency","model":"sale.order","trigger":"on_webhook","log_webhook_calls":true,
             "action_server_ids":[{"name":"USD","state":"object_write","update_path":"currency_id","value":"1"}]}
            """);

        var call = await app.FinishedCallAsync((await app.CallAsync(url!, $$"""{"_model": "res.partner", "_id": "{{partner}}"}""")).CallId!);
        var lines = (await app.SendJsonAsync(HttpMethod.Get, $"/api/admin/rules/{rule}/logs", null, HttpStatusCode.OK)).AsArray();

        Assert.Equal("failed", call["status"]!.GetValue<string>());
        Assert.Equal("The record getter returned res.partner records, but this rule runs on sale.order; no action ran.", call["error"]!.GetValue<string>());
        Assert.Equal("ERROR", lines[0]!["level"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_GetterRaises_CallFailsWithThePythonError_AndTheLogHasTheTraceback()
    {
        var (rule, url) = await app.CreateRuleAsync("""
            {"name":"Default getter","model":"sale.order","trigger":"on_webhook","log_webhook_calls":true,
             "action_server_ids":[{"name":"USD","state":"object_write","update_path":"currency_id","value":"1"}]}
            """);

        var call = await app.FinishedCallAsync((await app.CallAsync(url!, """{"_model": "sale.order", "_id": "seven"}""")).CallId!);
        var lines = (await app.SendJsonAsync(HttpMethod.Get, $"/api/admin/rules/{rule}/logs", null, HttpStatusCode.OK)).AsArray();

        Assert.Equal("failed", call["status"]!.GetValue<string>());
        Assert.Contains("ValueError", call["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var error = lines[0]!["message"]!.GetValue<string>();
        Assert.StartsWith($"Webhook #{rule} could not be triggered because the record_getter failed:\nTraceback (most recent call last):", error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_SeveralTargets_ActionsRunInOdoosOrder_EachActionOnEachRecord()
    {
        var tag = Unique("Order");
        var journal = await PartnerAsync(tag + " journal");
        var first = await PartnerAsync(tag, ",\"city\":\"a\"");
        var second = await PartnerAsync(tag, ",\"city\":\"b\"");
        string Append(string label) =>
            $"j = env['res.partner'].browse({journal})\\nj.write({{'comment': (j.comment or '') + '{label}(' + record.city + ') '}})";
        var (_, url) = await app.CreateRuleAsync($$"""
            {"name":"Order","model":"res.partner","trigger":"on_webhook","record_getter":"model.search([('name','=',payload['name'])])",
             "action_server_ids":[{"name":"A1","sequence":1,"state":"code","code":"{{Append("A1")}}"},
                                  {"name":"A2","sequence":2,"state":"code","code":"{{Append("A2")}}"}]}
            """);

        var call = await app.FinishedCallAsync((await app.CallAsync(url!, $$"""{"name": "{{tag}}"}""")).CallId!);

        Assert.Equal("done", call["status"]!.GetValue<string>());
        Assert.Equal([first, second], call["record_ids"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.Equal("A1(a) A1(b) A2(a) A2(b) ", (await app.RecordAsync("res.partner", journal))["comment"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_RedeliveredCall_DoesNotRunAgain()
    {
        var partner = await PartnerAsync(Unique("Redelivery"));
        var (rule, url) = await app.CreateRuleAsync($$"""
            {"name":"Count","model":"res.partner","trigger":"on_webhook","record_getter":"model.browse({{partner}})",
             "action_server_ids":[{"name":"Bang","state":"code","code":"record.write({'comment': (record.comment or '') + '!'})"}]}
            """);
        var callId = (await app.CallAsync(url!, """{"n": 1}""")).CallId!;
        await app.FinishedCallAsync(callId);

        // The same message again, as a queue redelivers it after a lost acknowledgement.
        var received = new DateTime(long.Parse(callId[..19], CultureInfo.InvariantCulture), DateTimeKind.Utc);
        var queue = new QueueServiceClient(StorageConnection.Parse(app.ConnectionString)).GetQueueClient("webhook-calls");
        await queue.SendMessageAsync(new JsonObject
        {
            ["v"] = 1,
            ["calls"] = new JsonArray(new JsonObject
            {
                ["id"] = callId,
                ["rule_id"] = rule,
                ["received_at"] = received.ToString("o", CultureInfo.InvariantCulture),
                ["payload"] = new JsonObject { ["n"] = 1 },
            }),
        }.ToJsonString());
        var marker = (await app.CallAsync(url!, """{"n": 2}""")).CallId!; // queued after the copy: done means the copy was handled
        await app.FinishedCallAsync(marker);
        await Automation.Testing.Eventually.MatchAsync(() => queue.GetApproximateMessageCountAsync(), n => n == 0, TimeSpan.FromSeconds(30),
            "the webhook-calls queue to drain");

        Assert.Equal("!!", (await app.RecordAsync("res.partner", partner))["comment"]!.GetValue<string>());
        Assert.Equal(2, (await app.SendJsonAsync(HttpMethod.Get, $"/api/admin/rules/{rule}/runs", null, HttpStatusCode.OK)).AsArray().Count);
    }

    private const string ContactCode =
        "if payload.get('name') and payload.get('email'):\\n    env['res.partner'].create({'name': payload['name'], 'email': payload['email'], 'customer_rank': 1})\\n" +
        "else:\\n    raise ValueError(\\\"Missing required fields: 'name' and 'email'\\\")";

    [Fact]
    public async Task TestEndpoint_DryRun_TracesTheChanges_AndSavesNothing()
    {
        var email = Guid.NewGuid().ToString("N") + "@dry.example.com";
        var (rule, _) = await app.CreateRuleAsync($$"""
            {"name":"Contact","model":"res.partner","trigger":"on_webhook","record_getter":"user.partner_id",
             "action_server_ids":[{"name":"Create","state":"code","code":"{{ContactCode}}"}]}
            """);

        var trace = await app.SendJsonAsync(HttpMethod.Post, $"/api/admin/rules/{rule}/test",
            $$"""{"payload": {"name": "Dry", "email": "{{email}}"} }""", HttpStatusCode.OK);
        var found = await app.SendJsonAsync(HttpMethod.Get, $"/api/records/res.partner?domain=%5B('email','=','{email}')%5D", null, HttpStatusCode.OK);

        Assert.True(trace["dry_run"]!.GetValue<bool>());
        Assert.Equal("done", trace["status"]!.GetValue<string>());
        Assert.Equal([2L], trace["record_ids"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.Equal("done", trace["actions"]![0]!["status"]!.GetValue<string>());
        var change = trace["changes"]![0]!;
        Assert.Equal(("res.partner", "create", email), (change["model"]!.GetValue<string>(), change["kind"]!.GetValue<string>(),
            change["values"]!["email"]!.GetValue<string>()));
        Assert.Empty(found["records"]!.AsArray());
    }

    [Fact]
    public async Task TestEndpoint_RealRun_SavesAndIsRecordedAsACall_AndErrorsAreTraced()
    {
        var email = Guid.NewGuid().ToString("N") + "@real.example.com";
        var (rule, _) = await app.CreateRuleAsync($$"""
            {"name":"Contact","model":"res.partner","trigger":"on_webhook","record_getter":"user.partner_id",
             "action_server_ids":[{"name":"Create","state":"code","code":"{{ContactCode}}"}]}
            """);

        var real = await app.SendJsonAsync(HttpMethod.Post, $"/api/admin/rules/{rule}/test",
            $$"""{"payload": {"name": "Real", "email": "{{email}}"}, "dry_run": false }""", HttpStatusCode.OK);
        var failing = await app.SendJsonAsync(HttpMethod.Post, $"/api/admin/rules/{rule}/test", """{"payload": {"name": "No email"}}""", HttpStatusCode.OK);
        var found = await app.SendJsonAsync(HttpMethod.Get, $"/api/records/res.partner?domain=%5B('email','=','{email}')%5D", null, HttpStatusCode.OK);
        var call = await app.FinishedCallAsync(real["call_id"]!.GetValue<string>());

        Assert.Single(found["records"]!.AsArray());
        Assert.Equal("done", call["status"]!.GetValue<string>());
        Assert.Equal("failed", failing["status"]!.GetValue<string>());
        Assert.Equal("Missing required fields: 'name' and 'email'", failing["error"]!.GetValue<string>());
        Assert.Contains("ValueError: Missing required fields", failing["traceback"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestEndpoint_WithARecordId_SkipsTheGetter()
    {
        var partner = await PartnerAsync(Unique("By id"));
        var (rule, _) = await SearchRuleAsync();

        var trace = await app.SendJsonAsync(HttpMethod.Post, $"/api/admin/rules/{rule}/test", $$"""{"record_id": {{partner}}}""", HttpStatusCode.OK);

        Assert.Equal("done", trace["status"]!.GetValue<string>());
        Assert.Equal("written", trace["changes"]![0]!["values"]!["city"]!.GetValue<string>());
        Assert.Null((await app.RecordAsync("res.partner", partner))["city"]);
    }
}
