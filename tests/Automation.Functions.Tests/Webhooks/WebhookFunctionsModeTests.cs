using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Automation.Testing;

namespace Automation.Functions.Tests.Webhooks;

/// <summary>
/// Functions mode (ARCHITECTURE D2): the ingress behind the Functions host, forwarded or as an HTTP invocation of the
/// <c>WebhookIngress</c> function, with the caller's address taken from the front end's <c>X-Forwarded-For</c>; and the
/// <c>WebhookCalls</c> queue function invoked by the host.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class WebhookFunctionsModeTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestAppRoot _root = new();
    private TestApp _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: true);
        _admin = _app.Admin();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
        _root.Dispose();
    }

    private async Task<(long Partner, string Token)> RuleAsync()
    {
        using var created = await _admin.PostAsync("/api/records/res.partner", Json("""{"name":"Functions mode"}"""));
        var partner = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<long>();
        using var rule = await _admin.PostAsync("/api/admin/rules", Json($$"""
            {"name":"Mark","model":"res.partner","trigger":"on_webhook","record_getter":"model.browse({{partner}})",
             "webhook_allowed_ips":["203.0.113.0/24"],
             "action_server_ids":[{"name":"City","state":"object_write","update_path":"city","value":"reached"}]}
            """));
        var body = await rule.Content.ReadAsStringAsync();
        Assert.True(rule.StatusCode == HttpStatusCode.Created, body);
        var url = JsonNode.Parse(body)!["url"]!.GetValue<string>();
        return (partner, url[(url.LastIndexOf('/') + 1)..]);
    }

    [Fact]
    public async Task ForwardedRequest_UsesTheFrontEndsForwardedFor()
    {
        var (_, token) = await RuleAsync();

        using var direct = await _app.Http.PostAsync($"/api/hooks/{token}", Json("{}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/hooks/{token}") { Content = Json("{}") };
        request.Headers.Add("X-Forwarded-For", "198.51.100.1, 203.0.113.5:4411");
        using var forwarded = await _app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode); // the socket is the host, 127.0.0.1
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
    }

    [Fact]
    public async Task HttpInvocationOfWebhookIngress_AndQueueInvocationOfWebhookCalls_RunTheCall()
    {
        var (partner, token) = await RuleAsync();
        var calls = azurite.Queues.GetQueueClient("webhook-calls");
        await calls.ClearMessagesAsync();

        var reply = await InvokeAsync("WebhookIngress", $$$"""
            {"Data": {"req": {"Url": "https://app.azurewebsites.net/api/hooks/{{{token}}}", "Method": "POST",
              "Headers": {"Content-Type": ["application/json"], "X-Forwarded-For": ["203.0.113.9"]}, "Body": "{\"a\":1}"}}, "Metadata": {}}
            """);
        var res = reply["Outputs"]!["res"]!;
        var callId = JsonNode.Parse(res["body"]!.GetValue<string>())!["id"]!.GetValue<string>();
        var message = Assert.Single(await calls.ReceiveMessagesAsync(1));
        // The host hands the queue function the decoded message text, JSON-encoded once more (spec §1.4).
        var invocation = new JsonObject
        {
            ["Data"] = new JsonObject { ["msg"] = JsonSerializer.Serialize(message.Text) },
            ["Metadata"] = new JsonObject { ["DequeueCount"] = "1", ["Id"] = JsonSerializer.Serialize(message.MessageId) },
        };
        var processed = await InvokeAsync("WebhookCalls", invocation.ToJsonString());
        var call = JsonNode.Parse(await _admin.GetStringAsync($"/api/admin/calls/{callId}"))!;
        var record = JsonNode.Parse(await _admin.GetStringAsync($"/api/records/res.partner/{partner}"))!;

        Assert.Equal(200, res["statusCode"]!.GetValue<int>());
        Assert.NotNull(processed["Outputs"]);
        Assert.Equal("done", call["status"]!.GetValue<string>());
        Assert.Equal("reached", record["city"]!.GetValue<string>());
    }

    private async Task<JsonNode> InvokeAsync(string function, string payload)
    {
        using var response = await _app.Http.PostAsync("/" + function, Json(payload));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{function} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
