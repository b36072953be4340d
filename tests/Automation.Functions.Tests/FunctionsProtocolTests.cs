using System.Net;
using System.Text;
using System.Text.Json;
using Automation.Testing;

namespace Automation.Functions.Tests;

/// <summary>Functions mode: the exact invocation payloads of spec azure-functions-storage §1.4, the replies of §1.5.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionsProtocolTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly TestAppRoot _root = new TestAppRoot().QueueFunction("evaluate", "rule-events").TimerFunction("sweep", "0 */5 * * * *");
    private readonly RecordingQueueFunction _queue = new("evaluate");
    private readonly RecordingTimerFunction _timer = new("sweep");
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: true, [_queue], [_timer]);

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _root.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, string ContentType)> InvokeAsync(string function, string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.0");
        request.Headers.UserAgent.ParseAdd("Azure-Functions-Host/4.1040.0");
        using var response = await _app.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType ?? "");
    }

    private const string QueuePayload = """
        {
          "Data": { "msg": "\"{\\\"ruleSet\\\":\\\"tenantA\\\",\\\"id\\\":42}\"" },
          "Metadata": {
            "DequeueCount": "1",
            "ExpirationTime": "2022-06-20T06:00:06+00:00",
            "Id": "\"a0004923-f050-417a-9742-6d7c7b984134\"",
            "InsertionTime": "2022-06-13T06:00:06+00:00",
            "NextVisibleTime": "2022-06-13T06:10:18+00:00",
            "PopReceipt": "\"AgAAAAMAAAAAAAAA8d5gQex+2AE=\"",
            "sys": { "MethodName": "evaluate", "UtcNow": "2022-06-13T06:00:18.1974545Z", "RandGuid": "d9ba2785-0000-0000-0000-000000000000" }
          }
        }
        """;

    [Fact]
    public async Task ReadinessPing_GetRoot_IsAnswered()
    {
        using var response = await _app.Http.GetAsync("/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // any answer counts as ready
    }

    [Fact]
    public async Task QueueInvocation_JsonInsideJsonString_ReachesHandlerDecoded()
    {
        var (status, body, contentType) = await InvokeAsync("evaluate", QueuePayload);

        var call = Assert.Single(_queue.Calls);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", contentType);
        Assert.Equal("{\"ruleSet\":\"tenantA\",\"id\":42}", call.MessageText);
        Assert.Equal("a0004923-f050-417a-9742-6d7c7b984134", call.MessageId);
        Assert.Equal(1, call.DequeueCount);
        Assert.Equal(new DateTimeOffset(2022, 6, 13, 6, 0, 6, TimeSpan.Zero), call.InsertedOn);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("Outputs").ValueKind);
        Assert.Empty(body.GetProperty("Outputs").EnumerateObject());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("Logs").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("ReturnValue").ValueKind);
    }

    [Fact]
    public async Task QueueInvocation_PlainWordMessage_IsDecodedNotBase64Mangled()
    {
        // The real capture for message text aaaaa is "\"aaaaa\"" (spec §1.4).
        var (status, _, _) = await InvokeAsync("evaluate", """{"Data":{"msg":"\"aaaaa\""},"Metadata":{"DequeueCount":"4","Id":"\"x\""}}""");

        var call = Assert.Single(_queue.Calls);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("aaaaa", call.MessageText);
        Assert.Equal(4, call.DequeueCount);
    }

    [Fact]
    public async Task QueueInvocation_HandlerThrows_RepliesNon2xxSoTheHostRetries()
    {
        _queue.Behaviour = _ => throw new InvalidOperationException("rule store unavailable");

        var (status, body, _) = await InvokeAsync("evaluate", QueuePayload);

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Contains("rule store unavailable", body.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimerInvocation_PassesScheduleStatusAndPastDue()
    {
        var (status, _, _) = await InvokeAsync("sweep", """
            {
              "Data": { "timer": { "Schedule": { "AdjustForDST": true },
                                   "ScheduleStatus": { "Last": "2022-07-05T11:35:00+00:00", "Next": "2022-07-05T11:45:00+00:00", "LastUpdated": "2022-07-05T11:35:00+00:00" },
                                   "IsPastDue": true } },
              "Metadata": { "sys": { "MethodName": "sweep", "UtcNow": "2022-07-05T11:40:07.4850616Z", "RandGuid": "x" } }
            }
            """);

        var call = Assert.Single(_timer.Calls);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(call.IsPastDue);
        Assert.Equal(new DateTimeOffset(2022, 7, 5, 11, 35, 0, TimeSpan.Zero), call.Last);
        Assert.Equal(new DateTimeOffset(2022, 7, 5, 11, 45, 0, TimeSpan.Zero), call.Next);
    }

    [Fact]
    public async Task TimerInvocation_WithoutMonitorRecord_HasNoLastOccurrence()
    {
        var (status, _, _) = await InvokeAsync("sweep", """{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{}}""");

        var call = Assert.Single(_timer.Calls);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(call.Last);
        Assert.False(call.IsPastDue);
    }

    [Fact]
    public async Task HttpInvocation_IsReplayedThroughTheApp_AndReturnedAsTheResOutput()
    {
        var (status, body, _) = await InvokeAsync("Health", """
            {
              "Data": { "req": {
                "Url": "https://app.azurewebsites.net/api/health?probe=1",
                "Method": "GET",
                "Query": { "probe": "1" },
                "Headers": { "Accept": ["application/json"], "User-Agent": ["curl/8"] },
                "Params": {},
                "Identities": [ { "AuthenticationType": null, "IsAuthenticated": false, "Claims": [] } ]
              } },
              "Metadata": { "Query": { "probe": "1" }, "Headers": { "Accept": "application/json" }, "sys": { "MethodName": "Health" } }
            }
            """);

        var res = body.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("application/json", res.GetProperty("headers").GetProperty("Content-Type").GetString(), StringComparison.Ordinal);
        var inner = JsonDocument.Parse(res.GetProperty("body").GetString()!).RootElement;
        Assert.Equal("ok", inner.GetProperty("status").GetString());
    }

    [Fact]
    public async Task HttpInvocation_ToAMissingRoute_Returns404AsTheOutputNotAsTheReply()
    {
        var (status, body, _) = await InvokeAsync("Health",
            """{"Data":{"req":{"Url":"https://app.azurewebsites.net/api/nothing-here","Method":"GET","Headers":{}}},"Metadata":{}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(404, body.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task ForwardedHttpRequest_ReachesTheEndpointAtItsOriginalPath()
    {
        // enableForwardingHttpRequest: the host forwards a copy of the request to /api/... unchanged.
        using var response = await _app.Http.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Invocation_WithInvalidJson_Returns400()
    {
        using var response = await _app.Http.PostAsync("/evaluate", new StringContent("{not json", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_queue.Calls);
    }
}
