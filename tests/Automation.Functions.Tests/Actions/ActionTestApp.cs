using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Testing;

namespace Automation.Functions.Tests.Actions;

/// <summary>
/// The app for action tests, and the calls they make: records, rules (webhook-triggered, so they run only when a test
/// asks, through <c>POST /api/admin/rules/{id}/test</c> with <c>dry_run: false</c>), and deliveries.
/// </summary>
public sealed class ActionTestApp : IAsyncDisposable
{
    private readonly TestAppRoot _root;

    private ActionTestApp(TestApp app, TestAppRoot root)
    {
        App = app;
        _root = root;
        Http = app.Admin();
    }

    public TestApp App { get; }

    public HttpClient Http { get; }

    public static async Task<ActionTestApp> StartAsync(AzuriteFixture azurite, params string[] settings)
    {
        var root = new TestAppRoot();
        var app = await TestApp.StartAsync(azurite, root, functionsMode: false, extraArgs: settings.Select(s => "--" + s));
        return new ActionTestApp(app, root);
    }

    public async Task<long> CreateAsync(string model, string json) =>
        (await SendAsync(HttpMethod.Post, $"/api/records/{model}", json, HttpStatusCode.Created))!["id"]!.GetValue<long>();

    public async Task<JsonNode> ReadAsync(string model, long id) => JsonNode.Parse(await Http.GetStringAsync($"/api/records/{model}/{id}"))!;

    public async Task<JsonArray> SearchAsync(string model, string domain) =>
        (JsonNode.Parse(await Http.GetStringAsync($"/api/records/{model}?domain={Uri.EscapeDataString(domain)}&limit=100"))!["records"] as JsonArray)!;

    /// <summary>A webhook-triggered rule on <paramref name="model"/> holding <paramref name="actions"/>; returns the saved rule.</summary>
    public async Task<JsonNode> CreateRuleAsync(string model, params JsonObject[] actions)
    {
        var body = new JsonObject
        {
            ["name"] = "Action test",
            ["model"] = model,
            ["trigger"] = "on_webhook",
            ["action_server_ids"] = new JsonArray(actions.Select(a => (JsonNode)a).ToArray()),
        };
        return (await SendAsync(HttpMethod.Post, "/api/admin/rules", body.ToJsonString(), HttpStatusCode.Created))!;
    }

    /// <summary>The validation errors of a rule that must be refused.</summary>
    public async Task<JsonObject> RefusedRuleAsync(string model, string trigger, params JsonObject[] actions)
    {
        var body = new JsonObject
        {
            ["name"] = "Refused",
            ["model"] = model,
            ["trigger"] = trigger,
            ["action_server_ids"] = new JsonArray(actions.Select(a => (JsonNode)a).ToArray()),
        };
        return ((await SendAsync(HttpMethod.Post, "/api/admin/rules", body.ToJsonString(), HttpStatusCode.BadRequest))!["errors"] as JsonObject)!;
    }

    /// <summary>Runs the rule's actions on the record now (not a dry run) and returns the trace; asserts it ended <paramref name="status"/>.</summary>
    public async Task<JsonNode> RunAsync(JsonNode rule, long recordId, string status = "done")
    {
        var trace = (await SendAsync(HttpMethod.Post, $"/api/admin/rules/{rule["id"]}/test",
            $$"""{"record_id": {{recordId}}, "dry_run": false}""", HttpStatusCode.OK))!;
        Assert.True(trace["status"]!.GetValue<string>() == status, "trace: " + trace.ToJsonString());
        return trace;
    }

    /// <summary>Waits for a delivery whose target contains <paramref name="target"/> to satisfy <paramref name="done"/>.</summary>
    public async Task<JsonNode> DeliveryAsync(string target, Func<JsonNode, bool> done, string what, TimeSpan? timeout = null) =>
        (await Eventually.MatchAsync(async () =>
        {
            var list = JsonNode.Parse(await Http.GetStringAsync("/api/admin/deliveries?limit=1000"))!["deliveries"]!.AsArray();
            return list.FirstOrDefault(d => d!["target"]!.GetValue<string>().Contains(target, StringComparison.Ordinal));
        }, d => d is not null && done(d), timeout ?? TimeSpan.FromSeconds(30), what))!;

    public async Task<JsonNode?> SendAsync(HttpMethod method, string url, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {url}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public static JsonObject Action(string state, string name, params (string Key, JsonNode? Value)[] fields)
    {
        var action = new JsonObject { ["name"] = name, ["state"] = state };
        foreach (var (key, value) in fields)
        {
            action[key] = value;
        }

        return action;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
        _root.Dispose();
    }
}
