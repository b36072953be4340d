using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Automation.Functions.Hosting;

/// <summary>
/// Functions mode (ARCHITECTURE D2): the host POSTs <c>/{FunctionName}</c> with <c>{"Data": …, "Metadata": …}</c>
/// (spec azure-functions-storage §1.4) and reads <c>{"Outputs", "Logs", "ReturnValue"}</c> back (§1.5); a non-2xx
/// reply fails the invocation. Queue and timer invocations call the handlers; an HTTP invocation is replayed through
/// the app's own pipeline, so it reaches the same endpoints a forwarded request would.
/// </summary>
public sealed class FunctionsInvocationMiddleware(
    RequestDelegate next,
    FunctionCatalog catalog,
    FunctionHandlers handlers,
    ILogger<FunctionsInvocationMiddleware> logger)
{
    /// <summary>A function invocation envelope is bounded like any other input.</summary>
    public const int MaxInvocationBytes = 32 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!HttpMethods.IsPost(context.Request.Method) || path.Length < 2 || path.IndexOf('/', 1) >= 0 ||
            catalog.Find(path[1..]) is not { } function)
        {
            await next(context);
            return;
        }

        JsonDocument envelope;
        try
        {
            envelope = await ReadEnvelopeAsync(context.Request, context.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            await ReplyAsync(context, 400, [$"Invalid invocation payload for '{function.Name}': {e.Message}"]);
            return;
        }

        using (envelope)
        {
            var root = envelope.RootElement;
            var data = root.TryGetProperty("Data", out var d) ? d : default;
            var metadata = root.TryGetProperty("Metadata", out var m) ? m : default;
            switch (function.Trigger)
            {
                case TriggerKind.Queue:
                    await InvokeQueueAsync(context, function, data, metadata);
                    break;
                case TriggerKind.Timer:
                    await InvokeTimerAsync(context, function, data);
                    break;
                default:
                    await InvokeHttpAsync(context, function, data);
                    break;
            }
        }
    }

    private async Task InvokeQueueAsync(HttpContext context, FunctionDefinition function, JsonElement data, JsonElement metadata)
    {
        string text;
        try
        {
            text = QueueText(Property(data, function.TriggerBindingName));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            await ReplyAsync(context, 400, [$"Invalid queue payload for '{function.Name}': {e.Message}"]);
            return;
        }

        var trigger = new QueueTrigger(
            text,
            Unquote(Property(metadata, "Id")) ?? "",
            long.TryParse(Unquote(Property(metadata, "DequeueCount")), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1,
            DateTimeOffset.TryParse(Unquote(Property(metadata, "InsertionTime")), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var inserted)
                ? inserted
                : null);
        try
        {
            await handlers.Queue(function.Name).RunAsync(trigger, context.RequestAborted);
            await ReplyAsync(context, 200, []);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Queue function {Function} failed on message {MessageId} (dequeue {Count})", function.Name, trigger.MessageId, trigger.DequeueCount);
            await ReplyAsync(context, 500, [$"{function.Name} failed: {e.Message}"]);
        }
    }

    private async Task InvokeTimerAsync(HttpContext context, FunctionDefinition function, JsonElement data)
    {
        var timer = Property(data, function.TriggerBindingName);
        var status = Property(timer, "ScheduleStatus");
        var trigger = new TimerTrigger(
            Property(timer, "IsPastDue").ValueKind == JsonValueKind.True,
            Time(Property(status, "Last")),
            Time(Property(status, "Next")));
        try
        {
            await handlers.Timer(function.Name).RunAsync(trigger, context.RequestAborted);
            await ReplyAsync(context, 200, []);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Timer function {Function} failed", function.Name);
            await ReplyAsync(context, 500, [$"{function.Name} failed: {e.Message}"]);
        }
    }

    /// <summary>Rebuilds the original request from <c>Data.req</c>, runs the pipeline, and returns its response as the http output.</summary>
    private async Task InvokeHttpAsync(HttpContext context, FunctionDefinition function, JsonElement data)
    {
        var req = Property(data, function.TriggerBindingName);
        if (req.ValueKind != JsonValueKind.Object || Property(req, "Url").GetString() is not { } url ||
            !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            await ReplyAsync(context, 400, [$"Invalid http payload for '{function.Name}': Data.{function.TriggerBindingName}.Url is missing."]);
            return;
        }

        var request = context.Request;
        request.Method = Property(req, "Method").GetString() ?? "GET";
        request.Path = PathString.FromUriComponent(uri);
        request.QueryString = QueryString.FromUriComponent(uri);
        request.Host = HostString.FromUriComponent(uri);
        request.Scheme = uri.Scheme;
        request.Headers.Clear();
        if (Property(req, "Headers") is { ValueKind: JsonValueKind.Object } headers)
        {
            foreach (var header in headers.EnumerateObject())
            {
                request.Headers[header.Name] = header.Value.ValueKind == JsonValueKind.Array
                    ? new StringValues(header.Value.EnumerateArray().Select(v => v.GetString()).ToArray())
                    : new StringValues(header.Value.GetString());
            }
        }

        var body = Property(req, "Body") is { ValueKind: JsonValueKind.String } b ? b.GetString()! : null;
        var bytes = body is null ? [] : IsBinary(request.ContentType) ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body);
        request.Body = new MemoryStream(bytes);
        request.ContentLength = bytes.Length;

        var hostResponse = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = hostResponse;
        }

        var outputHeaders = new JsonObject();
        foreach (var (name, value) in context.Response.Headers)
        {
            outputHeaders[name] = value.ToString();
        }

        var output = new JsonObject
        {
            ["statusCode"] = context.Response.StatusCode,
            ["headers"] = outputHeaders,
            ["body"] = Encoding.UTF8.GetString(captured.ToArray()),
        };
        context.Response.Headers.Clear();
        await ReplyAsync(context, 200, [], new JsonObject { [function.HttpOutputName] = output });
    }

    private static async Task<JsonDocument> ReadEnvelopeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxInvocationBytes)
        {
            throw new InvalidDataException($"The invocation is larger than {MaxInvocationBytes} bytes.");
        }

        return await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 256 }, cancellationToken);
    }

    /// <summary>
    /// The host sends the (base64-decoded) message text JSON-encoded inside the JSON string: <c>"\"{…}\""</c>
    /// (spec §1.4, gotcha 1). Decode the extra layer when it is there.
    /// </summary>
    internal static string QueueText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { } s && s.Length >= 2 && s[0] == '"'
            ? JsonSerializer.Deserialize<string>(s) ?? ""
            : value.GetString() ?? "",
        JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
        _ => throw new InvalidOperationException($"the trigger value is {value.ValueKind}, not a message"),
    };

    private static string? Unquote(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: >= 2 } s && s[0] == '"' ? JsonSerializer.Deserialize<string>(s) : value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static DateTimeOffset? Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.String &&
        DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : null;

    private static JsonElement Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return default;
    }

    private static bool IsBinary(string? contentType) =>
        contentType is not null &&
        (contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) ||
         contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase));

    private static async Task ReplyAsync(HttpContext context, int status, IReadOnlyList<string> logs, JsonObject? outputs = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var reply = new JsonObject
        {
            ["Outputs"] = outputs ?? [],
            ["Logs"] = new JsonArray(logs.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            ["ReturnValue"] = null,
        };
        await context.Response.WriteAsync(reply.ToJsonString(), context.RequestAborted);
    }
}
