using System.Diagnostics;
using Automation.Core.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Automation.Functions.Hosting;

/// <summary>
/// Logs, traces and counters (issue #10 "Observability"). Log lines carry the ids of what they are about through logging
/// scopes (<see cref="LogScopes"/>: rule, call, run, chain, event, delivery) and the trace and span ids; the console shows
/// them (<c>Automation:Logging:Format</c> <c>simple</c> or <c>json</c>). Spans of the <c>Automation</c> source follow a
/// call or a change across queues (the W3C <c>traceparent</c> travels in each queued item). With
/// <c>Automation:Telemetry:OtlpEndpoint</c> set, traces, the <c>Automation</c> meter's counters and the logs are exported
/// by OTLP.
/// </summary>
public static class Observability
{
    /// <summary>Setting: the OTLP collector to export traces, metrics and logs to (e.g. <c>http://localhost:4317</c>); unset, nothing is exported.</summary>
    public const string OtlpEndpointSetting = "Automation:Telemetry:OtlpEndpoint";

    /// <summary>Setting: <c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public const string OtlpProtocolSetting = "Automation:Telemetry:OtlpProtocol";

    /// <summary>Setting: console log format, <c>simple</c> (default; scopes on a second line) or <c>json</c> (one object per line, scopes as fields).</summary>
    public const string LogFormatSetting = "Automation:Logging:Format";

    /// <summary>The ASP.NET Core request spans' source: listened to so an incoming <c>traceparent</c> is continued.</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    public static void AddAutomationObservability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        switch (configuration[LogFormatSetting] is { Length: > 0 } format ? format.Trim().ToLowerInvariant() : "simple")
        {
            case "simple":
                builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
                break;
            case "json":
                builder.Logging.AddJsonConsole(o =>
                {
                    o.IncludeScopes = true;
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                });
                break;
            default:
                throw new StartupException($"'{LogFormatSetting}' is '{configuration[LogFormatSetting]}'; use 'simple' or 'json'.");
        }

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId |
                                                                   ActivityTrackingOptions.ParentId);
        builder.Services.AddHostedService<TracePropagation>();

        if (configuration[OtlpEndpointSetting] is not { Length: > 0 } endpointText)
        {
            return;
        }

        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new StartupException($"'{OtlpEndpointSetting}' is '{endpointText}', not an http(s) URL; e.g. http://localhost:4317 (gRPC) or http://localhost:4318 (http/protobuf).");
        }

        var protocol = (configuration[OtlpProtocolSetting] ?? "grpc").Trim().ToLowerInvariant() switch
        {
            "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" or "http" => OtlpExportProtocol.HttpProtobuf,
            _ => throw new StartupException($"'{OtlpProtocolSetting}' is '{configuration[OtlpProtocolSetting]}'; use 'grpc' or 'http/protobuf'."),
        };

        // http/protobuf needs the signal's path on the base URL; gRPC takes the URL as it is.
        Uri For(string signal) => protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath is "/" or ""
            ? new Uri(endpoint, "v1/" + signal)
            : endpoint;

        var version = typeof(Observability).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("automation", serviceVersion: version))
            .WithTracing(t => t.AddSource(AutomationTelemetry.Name, AspNetCoreSource)
                .AddOtlpExporter(o => (o.Endpoint, o.Protocol) = (For("traces"), protocol)))
            .WithMetrics(m => m.AddMeter(AutomationTelemetry.Name)
                .AddOtlpExporter(o => (o.Endpoint, o.Protocol) = (For("metrics"), protocol)))
            .WithLogging(l => l.AddOtlpExporter(o => (o.Endpoint, o.Protocol) = (For("logs"), protocol)), o => o.IncludeScopes = true);
    }

    /// <summary>
    /// Keeps spans of the <c>Automation</c> source (and ASP.NET Core's request spans) created when nothing exports them,
    /// as propagation-only activities: the trace context still reaches queued items and log lines, at the cost of an
    /// object per span. An exporter's listener, when configured, decides what is recorded.
    /// </summary>
    private sealed class TracePropagation : IHostedService, IDisposable
    {
        private ActivityListener? _listener;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name is AutomationTelemetry.Name or AspNetCoreSource,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            };
            ActivitySource.AddActivityListener(_listener);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            _listener?.Dispose();
            _listener = null;
        }
    }
}

/// <summary>The logging scopes that put the ids of a call, a run, a change event or a delivery on every line written within.</summary>
public static class LogScopes
{
    public const string RuleId = "RuleId";
    public const string CallId = "CallId";
    public const string RunId = "RunId";
    public const string ChainId = "ChainId";
    public const string EventId = "EventId";
    public const string DeliveryId = "DeliveryId";

    /// <summary>A scope with the given ids (null values left out); its text form is <c>RuleId=3 CallId=…</c>.</summary>
    public static IDisposable? Begin(ILogger logger, params (string Name, object? Value)[] ids)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new Ids(ids.Where(i => i.Value is not null).Select(i => new KeyValuePair<string, object?>(i.Name, i.Value)).ToArray()));
    }

    /// <summary>Structured (a list of pairs, as the JSON console and OpenTelemetry read scopes) with a readable text form.</summary>
    private sealed class Ids(KeyValuePair<string, object?>[] pairs) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => pairs.Length;

        public KeyValuePair<string, object?> this[int index] => pairs[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)pairs).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => pairs.GetEnumerator();

        public override string ToString() => string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}"));
    }
}
