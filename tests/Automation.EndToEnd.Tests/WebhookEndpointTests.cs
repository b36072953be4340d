using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Webhooks;

namespace Automation.EndToEnd.Tests;

/// <summary>
/// API.md "Webhook endpoint", every status of its table, against the real executable and Azurite (issue #7), plus
/// the webhook scenarios of spec §10 (38–46). Each test makes its own rule and its own probe record.
/// </summary>
public sealed class WebhookEndpointTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    /// <summary>A partner for the test and a rule whose code stores the payload in the partner's notes.</summary>
    private async Task<(long Rule, string Url, long Partner)> PayloadProbeAsync(string guards = "", bool logCalls = false,
        string code = "record.write({'comment': json.dumps(payload)})")
    {
        var partner = (await app.SendJsonAsync(HttpMethod.Post, "/api/records/res.partner", """{"name":"Probe"}""", HttpStatusCode.Created))["id"]!
            .GetValue<long>();
        var (rule, url) = await app.CreateRuleAsync($$"""
            {"name":"Store payload","model":"res.partner","trigger":"on_webhook","log_webhook_calls":{{(logCalls ? "true" : "false")}},
             "record_getter":"model.browse({{partner}})"{{guards}},
             "action_server_ids":[{"name":"Store","state":"code","code":"{{code}}"}]}
            """);
        Assert.NotNull(url);
        return (rule, url!, partner);
    }

    private async Task<JsonNode?> StoredPayloadAsync(long partner) =>
        (await app.RecordAsync("res.partner", partner))["comment"] is JsonValue v && v.TryGetValue<string>(out var text) ? JsonNode.Parse(text) : null;

    [Fact]
    public async Task Webhook_Accepted_Returns200WithCallId_AndTheCallEndsDone()
    {
        var (_, url, partner) = await PayloadProbeAsync();

        var response = await app.CallAsync(url, """{"name": "some name", "test_key": "test_value"}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("ok", response.Body!["status"]!.GetValue<string>());
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        var call = await app.FinishedCallAsync(response.CallId!);
        Assert.Equal("done", call["status"]!.GetValue<string>());
        Assert.Equal(partner, call["record_ids"]![0]!.GetValue<long>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"name": "some name", "test_key": "test_value"}"""), await StoredPayloadAsync(partner)));
    }

    [Fact]
    public async Task Webhook_UnknownToken_Returns404()
    {
        var response = await app.CallAsync(app.BaseUrl + "/api/hooks/0123456789", "{}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("""{"status":"error"}""", response.Body!.ToJsonString());
    }

    [Fact]
    public async Task Webhook_ArchivedRule_Returns404_AndUnarchivedAgain200()
    {
        var (rule, url, _) = await PayloadProbeAsync();

        await app.SendJsonAsync(HttpMethod.Patch, $"/api/admin/rules/{rule}", """{"active": false}""", HttpStatusCode.OK);
        var archived = await app.CallAsync(url, "{}");
        await app.SendJsonAsync(HttpMethod.Patch, $"/api/admin/rules/{rule}", """{"active": true}""", HttpStatusCode.OK);
        var active = await app.CallAsync(url, "{}");

        Assert.Equal(HttpStatusCode.NotFound, archived.Status);
        Assert.Equal(HttpStatusCode.OK, active.Status);
    }

    [Fact]
    public async Task Webhook_RuleWhoseTriggerIsNoLongerOnWebhook_Returns404()
    {
        var (rule, url, _) = await PayloadProbeAsync();

        await app.SendJsonAsync(HttpMethod.Patch, $"/api/admin/rules/{rule}", """{"trigger": "on_create"}""", HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NotFound, (await app.CallAsync(url, "{}")).Status);
    }

    [Fact]
    public async Task Webhook_RotatedSecret_OldUrl404_NewUrl200()
    {
        var (rule, oldUrl, _) = await PayloadProbeAsync();

        var rotated = await app.SendJsonAsync(HttpMethod.Post, $"/api/admin/rules/{rule}/rotate-secret", null, HttpStatusCode.OK);
        var newUrl = rotated["url"]!.GetValue<string>();

        Assert.NotEqual(oldUrl, newUrl);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CallAsync(oldUrl, "{}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await app.CallAsync(newUrl, "{}")).Status);
    }

    [Fact]
    public async Task Webhook_UrlIsShownOnlyAtCreation_AndTheTokenIs256Bits()
    {
        var (rule, url, _) = await PayloadProbeAsync();

        var read = await app.SendJsonAsync(HttpMethod.Get, $"/api/admin/rules/{rule}", null, HttpStatusCode.OK);

        Assert.Null(read["url"]);
        Assert.StartsWith(app.BaseUrl + "/api/hooks/", url, StringComparison.Ordinal);
        Assert.Equal(43, url[(app.BaseUrl + "/api/hooks/").Length..].Length); // 32 bytes, base64url
    }

    [Fact]
    public async Task Webhook_BodyNotJsonAndNoQuery_Returns400()
    {
        var (_, url, _) = await PayloadProbeAsync();

        var response = await app.CallAsync(url, "name=x&email=y", contentType: "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("error", response.Body!["status"]!.GetValue<string>());
        Assert.Contains("not JSON", response.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_GetWithQueryParameters_PayloadIsTheQueryStrings()
    {
        // spec §10 scenario 41: GET ?test_param=test_value&name=some%20name
        var (_, url, partner) = await PayloadProbeAsync();

        var response = await app.CallAsync(url + "?test_param=test_value&name=some%20name", null, "GET");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("done", (await app.FinishedCallAsync(response.CallId!))["status"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"name": "some name", "test_param": "test_value"}"""), await StoredPayloadAsync(partner)));
    }

    [Fact]
    public async Task Webhook_FormBodyWithQueryParameters_UsesTheQueryString_AsOdooDoes()
    {
        var (_, url, partner) = await PayloadProbeAsync();

        var response = await app.CallAsync(url + "?source=form", "name=ignored", contentType: "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        await app.FinishedCallAsync(response.CallId!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"source": "form"}"""), await StoredPayloadAsync(partner)));
    }

    [Fact]
    public async Task Webhook_JsonBodyWithTextContentType_IsStillJson()
    {
        var (_, url, partner) = await PayloadProbeAsync();

        var response = await app.CallAsync(url + "?ignored=1", """{"a": 1}""", contentType: "text/plain");

        await app.FinishedCallAsync(response.CallId!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a": 1}"""), await StoredPayloadAsync(partner)));
    }

    [Fact]
    public async Task Webhook_BodyOverTheRuleLimit_Returns413()
    {
        var (_, url, _) = await PayloadProbeAsync(""", "webhook_max_body_bytes": 1024""");

        var response = await app.CallAsync(url, $$"""{"text": "{{new string('x', 2000)}}"}""");
        var small = await app.CallAsync(url, """{"text": "short"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Contains("1024 bytes", response.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, small.Status);
    }

    [Fact]
    public async Task Webhook_BodyOverTheDefaultLimitOf256KiB_Returns413()
    {
        var (_, url, _) = await PayloadProbeAsync();

        var response = await app.CallAsync(url, $$"""{"text": "{{new string('x', 256 * 1024)}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
    }

    [Fact]
    public async Task Webhook_DeeplyNestedJson_Returns400()
    {
        var (_, url, _) = await PayloadProbeAsync();
        var deep = new string('[', 100) + new string(']', 100);

        var response = await app.CallAsync(url, deep);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("nested deeper than 64", response.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_PayloadFailingTheSchema_Returns422WithPaths()
    {
        var schema = """
            , "webhook_payload_schema": {"type": "object", "required": ["name", "email"],
               "properties": {"name": {"type": "string"}, "email": {"type": "string", "format": "email"}, "age": {"type": "integer"}}}
            """;
        var (_, url, _) = await PayloadProbeAsync(schema);

        var bad = await app.CallAsync(url, """{"name": 42, "age": "old"}""");
        var good = await app.CallAsync(url, """{"name": "Ann", "email": "ann@example.com", "age": 40}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        Assert.Equal("error", bad.Body!["status"]!.GetValue<string>());
        var errors = bad.Body!["errors"]!.AsArray().Select(e => (e!["path"]!.GetValue<string>(), e["message"]!.GetValue<string>())).ToList();
        Assert.Contains(errors, e => e.Item1 == "$.name" && e.Item2 == "Expected a string.");
        Assert.Contains(errors, e => e.Item1 == "$.age" && e.Item2 == "Expected an integer.");
        Assert.Contains(errors, e => e.Item2 == "The property 'email' is required.");
        Assert.Equal(HttpStatusCode.OK, good.Status);
    }

    [Fact]
    public async Task Webhook_SchemaWithRemoteReference_IsRefusedAtSave()
    {
        var partner = (await app.SendJsonAsync(HttpMethod.Post, "/api/records/res.partner", """{"name":"P"}""", HttpStatusCode.Created))["id"]!;
        var problem = await app.SendJsonAsync(HttpMethod.Post, "/api/admin/rules", $$$"""
            {"name":"R","model":"res.partner","trigger":"on_webhook","record_getter":"model.browse({{{partner}}})",
             "webhook_payload_schema": {"$ref": "http://127.0.0.1:1/schema.json"}}
            """, HttpStatusCode.BadRequest);

        Assert.Contains("not allowed", problem["errors"]!["webhook_payload_schema"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static readonly string Secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string OldSecret = "whsec_" + Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private static Dictionary<string, string> Signed(string secret, string body, DateTimeOffset at, string? id = null)
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = at.ToUnixTimeSeconds();
        return new Dictionary<string, string>
        {
            ["webhook-id"] = id,
            ["webhook-timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture),
            ["webhook-signature"] = StandardWebhooks.Sign(StandardWebhooks.DecodeSecret(secret)!, id, timestamp, Encoding.UTF8.GetBytes(body)),
        };
    }

    [Fact]
    public async Task Webhook_Signature_ValidAccepted_MissingInvalidAndExpiredReturn401()
    {
        var (_, url, _) = await PayloadProbeAsync($$""", "webhook_signing_secret": "{{Secret}}" """);
        const string body = """{"order": 1}""";

        var valid = await app.CallAsync(url, body, headers: Signed(Secret, body, DateTimeOffset.UtcNow));
        var missing = await app.CallAsync(url, body);
        var wrongSecret = await app.CallAsync(url, body, headers: Signed(OldSecret, body, DateTimeOffset.UtcNow));
        var tampered = await app.CallAsync(url, """{"order": 2}""", headers: Signed(Secret, body, DateTimeOffset.UtcNow));
        var expired = await app.CallAsync(url, body, headers: Signed(Secret, body, DateTimeOffset.UtcNow.AddMinutes(-6)));

        Assert.Equal(HttpStatusCode.OK, valid.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Contains("requires a signature", missing.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Contains("old", expired.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_Signature_DuringRotation_BothSecretsAndSeveralSignaturesAreAccepted()
    {
        var (rule, url, _) = await PayloadProbeAsync($$""", "webhook_signing_secret": ["{{Secret}}", "{{OldSecret}}"] """);
        const string body = """{"order": 3}""";
        var withOld = Signed(OldSecret, body, DateTimeOffset.UtcNow);
        var both = Signed(Secret, body, DateTimeOffset.UtcNow);
        both["webhook-signature"] = "v1,AAAA " + Signed(Secret, body, DateTimeOffset.Parse("2020-01-01T00:00:00Z", CultureInfo.InvariantCulture),
            both["webhook-id"])["webhook-signature"] + " " + both["webhook-signature"];

        var old = await app.CallAsync(url, body, headers: withOld);
        var several = await app.CallAsync(url, body, headers: both);
        var read = await app.SendJsonAsync(HttpMethod.Get, $"/api/admin/rules/{rule}", null, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, old.Status);
        Assert.Equal(HttpStatusCode.OK, several.Status);
        Assert.Null(read["webhook_signing_secret"]); // write-only
    }

    [Fact]
    public async Task Webhook_CallerNotInTheAllowList_Returns403_AndTheForwardedClientIsUsed()
    {
        var (_, url, _) = await PayloadProbeAsync(""", "webhook_allowed_ips": ["203.0.113.0/24", "2001:db8::/32"]""");

        var outside = await app.CallAsync(url, "{}", headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "198.51.100.7" });
        var spoofed = await app.CallAsync(url, "{}", headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.9, 198.51.100.7:5123" });
        var inside = await app.CallAsync(url, "{}", headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "198.51.100.7, 203.0.113.9:5123" });
        var ipv6 = await app.CallAsync(url, "{}", headers: new Dictionary<string, string> { ["X-Forwarded-For"] = "[2001:db8::42]:443" });
        var direct = await app.CallAsync(url, "{}"); // no proxy header: the socket, 127.0.0.1

        Assert.Equal(HttpStatusCode.Forbidden, outside.Status);
        Assert.Equal("""{"status":"error"}""", outside.Body!.ToJsonString());
        Assert.Equal(HttpStatusCode.Forbidden, spoofed.Status);
        Assert.Equal(HttpStatusCode.OK, inside.Status);
        Assert.Equal(HttpStatusCode.OK, ipv6.Status);
        Assert.Equal(HttpStatusCode.Forbidden, direct.Status);
    }

    [Fact]
    public async Task Webhook_OverTheRateLimit_Returns429WithRetryAfter()
    {
        var (_, url, _) = await PayloadProbeAsync(""", "webhook_rate_limit_per_minute": 3""");

        var responses = new List<HookResponse>();
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await app.CallAsync(url, "{}"));
        }

        Assert.All(responses.Take(3), r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(HttpStatusCode.TooManyRequests, responses[3].Status);
        Assert.InRange(responses[3].RetryAfter!.Value.TotalSeconds, 1, 20);
        Assert.Contains("3 calls per minute", responses[3].Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("HEAD")]
    public async Task Webhook_OtherMethods_Return405_AndRunNothing(string method)
    {
        var (rule, url, _) = await PayloadProbeAsync();

        var response = await app.CallAsync(url, method is "HEAD" or "DELETE" ? null : "{}", method);
        var runs = await app.SendJsonAsync(HttpMethod.Get, $"/api/admin/rules/{rule}/runs", null, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Empty(runs.AsArray());
    }

    [Fact]
    public async Task Webhook_SameWebhookIdTwice_AnswersTheFirstCallId_AndQueuesOnce()
    {
        var (rule, url, _) = await PayloadProbeAsync();
        var headers = new Dictionary<string, string> { ["webhook-id"] = "evt_" + Guid.NewGuid().ToString("N") };

        var first = await app.CallAsync(url, """{"n": 1}""", headers: headers);
        var second = await app.CallAsync(url, """{"n": 1}""", headers: headers);
        await app.FinishedCallAsync(first.CallId!);
        var other = await app.CallAsync(url, """{"n": 2}""", headers: new Dictionary<string, string> { ["webhook-id"] = "evt_other" + Guid.NewGuid() });
        await app.FinishedCallAsync(other.CallId!);
        var runs = await app.SendJsonAsync(HttpMethod.Get, $"/api/admin/rules/{rule}/runs", null, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.CallId, second.CallId);
        Assert.NotEqual(first.CallId, other.CallId);
        Assert.Equal(2, runs.AsArray().Count);
    }

    [Fact]
    public async Task Webhook_PayloadLargerThanAQueueMessage_TravelsByClaimCheck_AndArrivesWhole()
    {
        var (_, url, partner) = await PayloadProbeAsync(code: "record.write({'comment': str(len(payload['text'])) + ' ' + payload['text'][-16:]})");
        var text = string.Concat(Enumerable.Range(0, 12_000).Select(i => i.ToString("D7", CultureInfo.InvariantCulture) + ",")); // 96 KB
        var body = new JsonObject { ["text"] = text }.ToJsonString();

        var response = await app.CallAsync(url, body);
        var call = await app.FinishedCallAsync(response.CallId!);

        Assert.Equal("done", call["status"]!.GetValue<string>());
        Assert.Equal($"{text.Length} {text[^16..]}", (await app.RecordAsync("res.partner", partner))["comment"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_UnknownCallId_Returns404()
    {
        var response = await app.Admin.GetAsync("/api/admin/calls/0638000000000000000-1-0000000000000000aaaaaaaaaaaaaaaa");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
