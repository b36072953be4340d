using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Diagnostics;
using Automation.Functions.Hosting;
using Automation.Functions.Tests.Actions;
using Automation.Testing;
using Microsoft.Extensions.Logging;
using static Automation.Functions.Tests.Actions.ActionTestApp;

namespace Automation.Functions.Tests.Management;

/// <summary>
/// Issue #10 "Observability": a real webhook call (HTTP → <c>webhook-calls</c> queue → rule run → actions → outbox →
/// <c>deliveries</c> queue → the receiver) is one trace, captured in process with an <see cref="ActivityListener"/>; the
/// counters move; log lines written while a call, a run or a delivery is under way carry its ids.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ObservabilityTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Name, long Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ScopedLogs _logs = new();
    private readonly TestAppRoot _root = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private ActivityListener _listener = null!;
    private MeterListener _meters = null!;
    private LoopbackHttp _receiver = null!;
    private TestApp _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is AutomationTelemetry.Name or Observability.AspNetCoreSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _spans.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_listener);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AutomationTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _measurements.Enqueue((instrument.Name, value, copy));
        });
        _meters.Start();
        _receiver = await LoopbackHttp.StartAsync();
        _app = await TestApp.StartAsync(azurite, _root, functionsMode: false,
            extraArgs: ["--Automation:Deliveries:AllowedNetworks=127.0.0.1/32"], logs: _logs);
        _admin = _app.Admin();
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
        _root.Dispose();
        _meters.Dispose();
        _listener.Dispose();
    }

    [Fact]
    public async Task WebhookCall_ThroughQueue_RunActionsAndDelivery_IsOneTrace_ContinuingTheCallersTraceparent()
    {
        var partner = await CreateAsync("res.partner", $$"""{"name":"Traced {{_suffix}}"}""");
        var target = _receiver.BaseUrl + "/traced/" + _suffix;
        var rule = await CreateRuleAsync("res.partner", "on_webhook",
            Action("object_write", "Mark", ("update_path", "comment"), ("value", "traced")),
            Action("webhook", "Notify", ("sequence", 6), ("webhook_url", target), ("webhook_field_ids", new JsonArray("name"))));
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, rule["url"]!.GetValue<string>())
        {
            Content = new StringContent($$"""{"_model":"res.partner","_id":{{partner}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        using var accepted = await _app.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var callId = JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var call = JsonNode.Parse(await _admin.GetStringAsync($"/api/admin/calls/{callId}?wait=10"))!;
        Assert.Equal("done", call["status"]!.GetValue<string>());
        var spans = await Eventually.MatchAsync(() => Task.FromResult(_spans.Where(s => s.TraceId == traceId).ToList()),
            list => list.Any(s => s.DisplayName == "deliveries process" && (string?)s.GetTagItem(AutomationTelemetry.StatusTag) == "delivered"),
            TimeSpan.FromSeconds(30), "the delivery's span");

        var server = Assert.Single(spans, s => s.Source.Name == Observability.AspNetCoreSource && s.ParentSpanId == callerSpan);
        var publish = Assert.Single(spans, s => s.DisplayName == "webhook-calls publish");
        var process = Assert.Single(spans, s => s.DisplayName == "webhook-calls process");
        var run = Assert.Single(spans, s => s.DisplayName == "rule.run");
        var mark = Assert.Single(spans, s => s.DisplayName == "action object_write");
        var notify = Assert.Single(spans, s => s.DisplayName == "action webhook");
        var delivery = Assert.Single(spans, s => s.DisplayName == "deliveries process" && (string?)s.GetTagItem(AutomationTelemetry.StatusTag) == "delivered");
        Assert.Equal(callerSpan, server.ParentSpanId); // the caller's traceparent is continued
        Assert.Equal(server.SpanId, publish.ParentSpanId);
        Assert.Equal((ActivityKind.Producer, ActivityKind.Consumer), (publish.Kind, process.Kind));
        Assert.Equal(publish.SpanId, process.ParentSpanId); // across the webhook-calls queue
        Assert.Equal(process.SpanId, run.ParentSpanId);
        Assert.Equal((run.SpanId, run.SpanId), (mark.ParentSpanId, notify.ParentSpanId));
        Assert.Equal(notify.SpanId, delivery.ParentSpanId); // across the outbox and the deliveries queue
        var ruleId = rule["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((ruleId, callId, "done"), ((string?)run.GetTagItem(AutomationTelemetry.RuleIdTag), (string?)process.GetTagItem(AutomationTelemetry.CallIdTag),
            (string?)run.GetTagItem(AutomationTelemetry.StatusTag)));
        Assert.StartsWith(ruleId + "-", (string?)run.GetTagItem(AutomationTelemetry.RunIdTag), StringComparison.Ordinal);
        Assert.Equal(run.GetTagItem(AutomationTelemetry.RunIdTag), delivery.GetTagItem(AutomationTelemetry.RunIdTag));

        // The receiver is told the trace too (W3C traceparent header on the delivery's HTTP request).
        var received = Assert.Single(_receiver.Requests, r => r.Path.EndsWith("/traced/" + _suffix, StringComparison.Ordinal));
        var traceparent = received.Headers.First(h => h.Key.Equals("traceparent", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.StartsWith($"00-{traceId}-", traceparent, StringComparison.Ordinal);

        // The counters saw the call, the run and the delivery.
        Assert.Contains(_measurements, m => m.Name == "automation.webhook.calls" && m.Value == 1);
        Assert.Contains(_measurements, m => m is { Name: "automation.runs", Value: 1 } && Equals(m.Tags["automation.trigger"], "webhook") &&
                                            Equals(m.Tags[AutomationTelemetry.StatusTag], "done"));
        Assert.Contains(_measurements, m => m is { Name: "automation.deliveries", Value: 1 } && Equals(m.Tags[AutomationTelemetry.StatusTag], "delivered"));
    }

    [Fact]
    public async Task LogLines_OfAFailedCall_AndOfAFailedRun_CarryTheRuleCallRunAndChainIds()
    {
        var raise = Action("code", "Refuse", ("code", "raise ValueError('refused " + _suffix + "')"));
        var hook = await CreateRuleAsync("res.partner", "on_webhook", (JsonObject)raise.DeepClone());
        var onCreate = await CreateRuleAsync("res.partner", "on_create", (JsonObject)raise.DeepClone(),
            ("filter_domain", $"[('name', '=', 'Logged {_suffix}')]"));

        using var accepted = await _app.Http.PostAsync(hook["url"]!.GetValue<string>(),
            new StringContent("""{"_model":"res.partner","_id":1}""", Encoding.UTF8, "application/json"));
        var callId = JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        Assert.Equal("failed", JsonNode.Parse(await _admin.GetStringAsync($"/api/admin/calls/{callId}?wait=10"))!["status"]!.GetValue<string>());
        var partner = await CreateAsync("res.partner", $$"""{"name":"Logged {{_suffix}}"}""");
        var onCreateId = onCreate["id"]!.GetValue<long>();
        var runs = await Eventually.MatchAsync(
            async () => JsonNode.Parse(await _admin.GetStringAsync($"/api/admin/runs?rule_id={onCreateId}&status=failed"))!["runs"]!.AsArray(),
            list => list.Count == 1, TimeSpan.FromSeconds(20), "the on-create run to fail");

        var callLine = await Eventually.MatchAsync(() => Task.FromResult(_logs.Lines.FirstOrDefault(l => l.Message.Contains(callId, StringComparison.Ordinal))),
            l => l is not null, TimeSpan.FromSeconds(10), "the failed call's log line");
        var hookId = hook["id"]!.GetValue<long>();
        Assert.Equal(hookId, callLine!.Scope[LogScopes.RuleId]);
        Assert.Equal(callId, callLine.Scope[LogScopes.CallId]);
        Assert.Equal(callId, callLine.Scope[LogScopes.ChainId]);
        Assert.StartsWith($"{hookId}-", (string)callLine.Scope[LogScopes.RunId]!, StringComparison.Ordinal);
        Assert.True(callLine.Scope.ContainsKey("TraceId"), "trace id on the line");

        var run = runs[0]!;
        var runLine = await Eventually.MatchAsync(
            () => Task.FromResult(_logs.Lines.FirstOrDefault(l => l.Message.Contains($"refused {_suffix}", StringComparison.Ordinal) &&
                                                                 Equals(l.Scope.GetValueOrDefault(LogScopes.RuleId), onCreateId))),
            l => l is not null, TimeSpan.FromSeconds(10), "the failed run's log line");
        Assert.Equal(run["id"]!.GetValue<string>(), runLine!.Scope[LogScopes.RunId]);
        Assert.Equal(run["chain_id"]?.GetValue<string>() ?? runLine.Scope[LogScopes.ChainId], runLine.Scope[LogScopes.ChainId]);
        Assert.NotNull(runLine.Scope[LogScopes.ChainId]);
        Assert.NotNull(runLine.Scope[LogScopes.EventId]);
        Assert.Contains(partner.ToString(System.Globalization.CultureInfo.InvariantCulture), runLine.Message, StringComparison.Ordinal);
        Assert.Contains(_measurements, m => m.Name == "automation.runs.failed" && Equals(m.Tags["automation.trigger"], "event"));
    }

    [Fact]
    public async Task OtlpEndpoint_ExportsTracesAndMetrics_OverHttpProtobuf()
    {
        await using var collector = await LoopbackHttp.StartAsync();
        using var root = new TestAppRoot();
        var app = await TestApp.StartAsync(azurite, root, functionsMode: false,
            extraArgs: [$"--{Observability.OtlpEndpointSetting}={collector.BaseUrl}", $"--{Observability.OtlpProtocolSetting}=http/protobuf"]);
        try
        {
            using var admin = app.Admin();
            using var created = await admin.PostAsync("/api/records/res.partner",
                new StringContent($$"""{"name":"Exported {{_suffix}}"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        finally
        {
            await app.DisposeAsync(); // flushes the exporters
        }

        var paths = collector.Requests.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("/v1/traces", paths);
        Assert.Contains("/v1/metrics", paths);
        Assert.All(collector.Requests, r => Assert.Equal("POST", r.Method));
    }

    [Theory]
    [InlineData("Automation:Telemetry:OtlpEndpoint=localhost:4317")]
    [InlineData("Automation:Telemetry:OtlpProtocol=thrift")]
    [InlineData("Automation:Logging:Format=xml")]
    public void BadTelemetrySettings_StopTheStart_NamingTheSetting(string setting)
    {
        var args = new[] { "--Automation:Telemetry:OtlpEndpoint=http://127.0.0.1:4317", "--" + setting };
        var e = Assert.Throws<StartupException>(() => AutomationApp.Create(args));
        Assert.Contains(setting[..setting.IndexOf('=', StringComparison.Ordinal)], e.Message, StringComparison.Ordinal);
    }

    private async Task<long> CreateAsync(string model, string json)
    {
        using var response = await _admin.PostAsync($"/api/records/{model}", new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!["id"]!.GetValue<long>();
    }

    private async Task<JsonNode> CreateRuleAsync(string model, string trigger, JsonObject action, params (string Key, JsonNode? Value)[] more) =>
        await CreateRuleAsync(model, trigger, [action], more);

    private async Task<JsonNode> CreateRuleAsync(string model, string trigger, JsonObject first, JsonObject second) =>
        await CreateRuleAsync(model, trigger, [first, second], []);

    private async Task<JsonNode> CreateRuleAsync(string model, string trigger, JsonObject[] actions, (string Key, JsonNode? Value)[] more)
    {
        var body = new JsonObject
        {
            ["name"] = $"Observed {trigger} {_suffix}",
            ["model"] = model,
            ["trigger"] = trigger,
            ["action_server_ids"] = new JsonArray(actions.Select(a => (JsonNode)a).ToArray()),
        };
        foreach (var (key, value) in more)
        {
            body[key] = value;
        }

        using var response = await _admin.PostAsync("/api/admin/rules", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!;
    }

    /// <summary>Every line with the values of the logging scopes it was written in (as the JSON console and OpenTelemetry see them).</summary>
    private sealed class ScopedLogs : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<Line> _lines = new();
        private IExternalScopeProvider? _scopes;

        public IReadOnlyList<Line> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        public sealed record Line(string Category, LogLevel Level, string Message, Dictionary<string, object?> Scope);

        private sealed class Logger(ScopedLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel))
                {
                    return;
                }

                var scope = new Dictionary<string, object?>();
                owner._scopes?.ForEachScope((value, into) =>
                {
                    if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, item) in pairs)
                        {
                            into[key] = item;
                        }
                    }
                }, scope);
                owner._lines.Enqueue(new Line(category, logLevel, formatter(state, exception), scope));
            }
        }
    }
}
