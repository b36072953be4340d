using System.Globalization;
using System.Text.Json;

namespace Automation.Functions.Hosting;

/// <summary>The parts of <c>host.json</c> both hosting modes honour (spec azure-functions-storage §1.2, §1.6).</summary>
public sealed record HostSettings
{
    public int BatchSize { get; init; } = 16;

    /// <summary>Default per the queue extension: batchSize / 2 × cores.</summary>
    public int NewBatchThreshold { get; init; } = 8 * Environment.ProcessorCount;

    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>How long a failed message stays invisible before its retry.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    public string MessageEncoding { get; init; } = "base64";

    public string RoutePrefix { get; init; } = "api";

    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public static HostSettings Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new StartupException($"host.json was not found at {path}. It belongs at the root of the function app.");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            var root = doc.RootElement;
            var settings = new HostSettings();
            if (root.TryGetProperty("functionTimeout", out var timeout))
            {
                settings = settings with { FunctionTimeout = Span(timeout, "functionTimeout") };
            }

            if (root.TryGetProperty("extensions", out var extensions))
            {
                if (extensions.TryGetProperty("http", out var http) && http.TryGetProperty("routePrefix", out var prefix))
                {
                    settings = settings with { RoutePrefix = prefix.GetString()?.Trim('/') ?? "api" };
                }

                if (extensions.TryGetProperty("queues", out var queues))
                {
                    var batchSize = Int(queues, "batchSize", settings.BatchSize);
                    if (batchSize is < 1 or > 32)
                    {
                        throw new StartupException($"host.json extensions.queues.batchSize is {batchSize}; it must be 1 to 32.");
                    }

                    settings = settings with
                    {
                        BatchSize = batchSize,
                        NewBatchThreshold = Int(queues, "newBatchThreshold", batchSize / 2 * Environment.ProcessorCount),
                        MaxDequeueCount = Math.Max(1, Int(queues, "maxDequeueCount", settings.MaxDequeueCount)),
                        VisibilityTimeout = queues.TryGetProperty("visibilityTimeout", out var v) ? Span(v, "visibilityTimeout") : settings.VisibilityTimeout,
                        MaxPollingInterval = queues.TryGetProperty("maxPollingInterval", out var p)
                            ? TimeSpan.FromTicks(Math.Max(Span(p, "maxPollingInterval").Ticks, TimeSpan.FromMilliseconds(100).Ticks))
                            : settings.MaxPollingInterval,
                        MessageEncoding = queues.TryGetProperty("messageEncoding", out var e) ? e.GetString() ?? "base64" : settings.MessageEncoding,
                    };
                }
            }

            return settings;
        }
        catch (JsonException e)
        {
            throw new StartupException($"host.json at {path} is not valid JSON: {e.Message}");
        }
    }

    private static int Int(JsonElement parent, string name, int fallback) =>
        parent.TryGetProperty(name, out var value) && value.TryGetInt32(out var i) ? i : fallback;

    private static TimeSpan Span(JsonElement value, string name) =>
        TimeSpan.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var span)
            ? span
            : throw new StartupException($"host.json {name} '{value}' is not a time span (hh:mm:ss).");
}
