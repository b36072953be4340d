using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Functions.Hosting;
using Automation.Storage.Records;
using Automation.Storage.Time;
using Automation.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Automation.Functions.Tests.Time;

/// <summary>
/// The real app in this process over real HTTP and Azurite, on a <see cref="ManualClock"/>. Its TimeRules timer is set to
/// midnight, which the tests' clocks never reach while the timer waits, so checks run only when a test asks
/// (<c>POST /api/admin/scheduler/run</c>, or the timer handler called directly).
/// </summary>
public sealed class TimeRulesApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestAppRoot _root;
    private readonly AzuriteFixture _azurite;

    private TimeRulesApp(WebApplication app, TestAppRoot root, AzuriteFixture azurite, ManualClock clock, string baseUrl)
    {
        _app = app;
        _root = root;
        _azurite = azurite;
        Clock = clock;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(120) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestApp.AdminKey);
    }

    public ManualClock Clock { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<TimeRulesApp> StartAsync(AzuriteFixture azurite, ManualClock clock, params string[] settings) =>
        StartAsync(azurite, clock, _ => { }, settings);

    /// <summary>As above, with <paramref name="services"/> registered after the app's own (the last registration wins).</summary>
    public static async Task<TimeRulesApp> StartAsync(AzuriteFixture azurite, ManualClock clock, Action<IServiceCollection> services, params string[] settings)
    {
        var root = new TestAppRoot().TimerFunction("TimeRules", "0 0 0 * * *");
        var app = AutomationApp.Create(
        [
            $"--{HostingExtensions.AppRootSetting}={root.Path}",
            $"--AzureWebJobsStorage={azurite.ConnectionString}",
            "--urls=http://127.0.0.1:0",
            $"--Automation:BootstrapAdminKey={TestApp.AdminKey}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ], builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(clock);
            services(builder.Services);
        });
        await app.InitializeAsync();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TimeRulesApp(app, root, azurite, clock, address);
    }

    /// <summary>No rules, a scheduler as on a fresh install (inactive, 4 hours), no check lease.</summary>
    public async Task ResetAsync()
    {
        foreach (var rule in (await SendAsync(HttpMethod.Get, "/api/admin/rules", null, HttpStatusCode.OK))!.AsArray())
        {
            await SendAsync(HttpMethod.Delete, $"/api/admin/rules/{rule!["id"]}", null, HttpStatusCode.NoContent);
        }

        var states = _azurite.Tables.GetTableClient(TableTimeRuleStates.TableName);
        await states.DeleteEntityAsync("scheduler", "job");
        await states.DeleteEntityAsync("scheduler", "lease");
    }

    /// <summary>A lead model of the test's own (spec §10's lead, with the date fields time rules read).</summary>
    public async Task<string> CreateLeadModelAsync()
    {
        var name = "x_lead" + Guid.NewGuid().ToString("N")[..10];
        await SendAsync(HttpMethod.Put, $"/api/admin/models/{name}", """
            {"fields": {
              "name": {"type": "char"},
              "state": {"type": "selection", "default": "draft",
                        "selection": [["draft","Draft"],["open","Open"],["done","Done"]]},
              "active": {"type": "boolean", "default": true},
              "x_count": {"type": "integer"},
              "date_automation_last": {"type": "datetime"},
              "date_start": {"type": "datetime"},
              "date_deadline": {"type": "date"}
            }}
            """, HttpStatusCode.Created);
        return name;
    }

    public async Task<long> CreateAsync(string model, string json) =>
        (await SendAsync(HttpMethod.Post, $"/api/records/{model}", json, HttpStatusCode.Created))!["id"]!.GetValue<long>();

    public Task WriteAsync(string model, long id, string json) => SendAsync(HttpMethod.Patch, $"/api/records/{model}/{id}", json, HttpStatusCode.OK);

    public async Task<JsonNode> ReadAsync(string model, long id) => (await SendAsync(HttpMethod.Get, $"/api/records/{model}/{id}", null, HttpStatusCode.OK))!;

    public async Task<JsonObject> CreateRuleAsync(JsonObject rule) =>
        (await SendAsync(HttpMethod.Post, "/api/admin/rules", rule.ToJsonString(), HttpStatusCode.Created))!.AsObject();

    public Task PatchRuleAsync(long id, string json) => SendAsync(HttpMethod.Patch, $"/api/admin/rules/{id}", json, HttpStatusCode.OK);

    public async Task<JsonObject> SchedulerAsync() => (await SendAsync(HttpMethod.Get, "/api/admin/scheduler", null, HttpStatusCode.OK))!.AsObject();

    /// <summary>
    /// Waits until every change so far is handled (so the index has it), moves the clock to <paramref name="at"/> if given
    /// (after the wait, so the check's now is as close to it as the running clock allows), then runs the check now.
    /// </summary>
    public async Task<JsonObject> RunAsync(DateTimeOffset? at = null)
    {
        await QuietAsync();
        if (at is { } moment)
        {
            Clock.Set(moment);
        }

        return (await SendAsync(HttpMethod.Post, "/api/admin/scheduler/run", null, HttpStatusCode.OK))!.AsObject();
    }

    /// <summary>The run's entry for one rule.</summary>
    public static JsonObject RuleOf(JsonObject run, long ruleId) =>
        run["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<long>() == ruleId)!.AsObject();

    /// <summary>The scheduler's entry for one rule.</summary>
    public static JsonObject RuleOfScheduler(JsonObject scheduler, long ruleId) =>
        scheduler["rules"]!.AsArray().Single(r => r!["id"]!.GetValue<long>() == ruleId)!.AsObject();

    /// <summary>Until every change event so far has been handled: nothing held by the publisher, nothing on the queue.</summary>
    public async Task QuietAsync()
    {
        var publisher = _app.Services.GetRequiredService<EventPublisher>();
        var runtime = _app.Services.GetRequiredService<StandaloneRuntime>();
        var queue = _azurite.Queues.GetQueueClient(PendingEvents.QueueName);
        for (var quiet = 0; quiet < 2;)
        {
            await publisher.FlushAsync();
            await Eventually.MatchAsync(async () => await queue.GetApproximateMessageCountAsync() + runtime.InFlight, n => n == 0,
                TimeSpan.FromSeconds(60), "the event queue to drain");
            await publisher.FlushAsync();
            quiet = await queue.GetApproximateMessageCountAsync() + runtime.InFlight == 0 ? quiet + 1 : 0;
        }
    }

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

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _root.Dispose();
    }
}
