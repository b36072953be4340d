using System.Globalization;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Automation.Storage.Queues;

/// <summary>
/// One queue over the Queue REST API, shaped like Azure.Storage.Queues' <c>QueueClient</c>. Messages are sent
/// base64-encoded (what the Functions queue trigger expects) and never expire unless asked.
/// </summary>
public partial class QueueClient
{
    private readonly HttpPipeline _pipeline;
    private readonly string _url;
    private readonly string _version;

    internal QueueClient(HttpPipeline pipeline, Uri endpoint, string queueName, string version)
    {
        ValidateName(queueName);
        _pipeline = pipeline;
        _url = endpoint.ToString().TrimEnd('/') + "/" + queueName;
        _version = version;
        Name = queueName;
    }

    /// <summary>For test doubles.</summary>
    protected QueueClient()
    {
        _pipeline = null!;
        _url = "";
        _version = "";
        Name = "";
    }

    public string Name { get; }

    /// <summary>Creates the queue; an existing queue is success.</summary>
    public virtual async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Put, _url);
        await _pipeline.SendAsync(message, cancellationToken);
        var status = message.Response.Status;
        if (status is not (201 or 204) && !(status == 409 && StorageErrors.Parse(message.Response).Code == "QueueAlreadyExists"))
        {
            throw StorageErrors.FromResponse(message.Response, $"Create queue '{Name}'");
        }
    }

    public virtual async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, _url);
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status is not (204 or 404))
        {
            throw StorageErrors.FromResponse(message.Response, $"Delete queue '{Name}'");
        }
    }

    /// <summary>
    /// Sends <paramref name="text"/> (base64-encoded on the wire). Refuses, before sending, a message over 64 KiB once
    /// encoded. <paramref name="visibilityDelay"/> hides it for that long; <paramref name="timeToLive"/> null = never expires.
    /// </summary>
    public virtual async Task<SendReceipt> SendMessageAsync(string text, TimeSpan? visibilityDelay = null, TimeSpan? timeToLive = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var encoded = EncodeChecked(text);
        var query = $"?messagettl={Seconds(timeToLive, -1)}";
        if (visibilityDelay is { } delay)
        {
            query += $"&visibilitytimeout={Seconds(delay, 0)}";
        }

        using var message = CreateMessage(RequestMethod.Post, _url + "/messages" + query);
        SetXmlBody(message.Request, encoded);
        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, "Send message");
        var item = ParseMessages(message.Response).First();
        return new SendReceipt(
            Value(item, "MessageId"), Value(item, "PopReceipt"), Time(item, "InsertionTime"), Time(item, "ExpirationTime"),
            Time(item, "TimeNextVisible"));
    }

    /// <summary>Leases up to <paramref name="maxMessages"/> (1–32) messages for <paramref name="visibilityTimeout"/> (default 30 s).</summary>
    public virtual async Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(int maxMessages = 1, TimeSpan? visibilityTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        var query = $"?numofmessages={maxMessages}";
        if (visibilityTimeout is { } timeout)
        {
            query += $"&visibilitytimeout={Math.Max(1, Seconds(timeout, 30))}";
        }

        using var message = CreateMessage(RequestMethod.Get, _url + "/messages" + query);
        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, "Receive messages");
        return ParseMessages(message.Response)
            .Select(m => new QueueMessage(
                Value(m, "MessageId"), Value(m, "PopReceipt"), long.Parse(Value(m, "DequeueCount"), CultureInfo.InvariantCulture),
                Time(m, "InsertionTime"), Time(m, "ExpirationTime"), Time(m, "TimeNextVisible"), Value(m, "MessageText")))
            .ToList();
    }

    /// <summary>Looks at up to 32 messages without leasing them.</summary>
    public virtual async Task<IReadOnlyList<PeekedMessage>> PeekMessagesAsync(int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        using var message = CreateMessage(RequestMethod.Get, $"{_url}/messages?peekonly=true&numofmessages={maxMessages}");
        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, "Peek messages");
        return ParseMessages(message.Response)
            .Select(m => new PeekedMessage(
                Value(m, "MessageId"), long.Parse(Value(m, "DequeueCount"), CultureInfo.InvariantCulture),
                Time(m, "InsertionTime"), Time(m, "ExpirationTime"), Value(m, "MessageText")))
            .ToList();
    }

    /// <summary>Deletes a leased message; false when it is already gone.</summary>
    public virtual async Task<bool> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete,
            $"{_url}/messages/{Uri.EscapeDataString(messageId)}?popreceipt={Uri.EscapeDataString(popReceipt)}");
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status == 404)
        {
            return false;
        }

        EnsureSuccess(message.Response, "Delete message");
        return true;
    }

    /// <summary>Changes a leased message's visibility (and optionally its text); returns the new pop receipt.</summary>
    public virtual async Task<UpdateReceipt> UpdateMessageAsync(string messageId, string popReceipt, TimeSpan visibilityTimeout,
        string? text = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Put,
            $"{_url}/messages/{Uri.EscapeDataString(messageId)}?popreceipt={Uri.EscapeDataString(popReceipt)}" +
            $"&visibilitytimeout={Seconds(visibilityTimeout, 0)}");
        if (text is not null)
        {
            SetXmlBody(message.Request, EncodeChecked(text));
        }

        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, "Update message");
        var headers = message.Response.Headers;
        return new UpdateReceipt(
            headers.TryGetValue("x-ms-popreceipt", out var receipt) ? receipt : popReceipt,
            headers.TryGetValue("x-ms-time-next-visible", out var next)
                ? DateTimeOffset.Parse(next, CultureInfo.InvariantCulture)
                : DateTimeOffset.UtcNow + visibilityTimeout);
    }

    /// <summary>The service's approximate message count.</summary>
    public virtual async Task<int> GetApproximateMessageCountAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, _url + "?comp=metadata");
        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, "Get queue properties");
        return message.Response.Headers.TryGetValue("x-ms-approximate-messages-count", out var count)
            ? int.Parse(count, CultureInfo.InvariantCulture)
            : 0;
    }

    public virtual async Task ClearMessagesAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, _url + "/messages");
        await _pipeline.SendAsync(message, cancellationToken);
        EnsureSuccess(message.Response, "Clear messages");
    }

    /// <summary>Queue names: 3–63 lowercase letters, digits and single hyphens, starting with a letter or digit.</summary>
    public static void ValidateName(string queueName)
    {
        if (queueName is null || queueName.Length is < 3 or > 63 || !QueueNamePattern().IsMatch(queueName) ||
            queueName.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Queue name '{queueName}' is invalid: 3–63 lowercase letters, digits and single hyphens, starting and ending " +
                "with a letter or digit.", nameof(queueName));
        }
    }

    private string EncodeChecked(string text)
    {
        // Cheap bound first: UTF-8 is at most 3 bytes per UTF-16 char.
        if (text.Length * 3L > QueueMessageEncoding.MaxTextBytes && Encoding.UTF8.GetByteCount(text) > QueueMessageEncoding.MaxTextBytes)
        {
            throw new QueueMessageTooLargeException(Name, (Encoding.UTF8.GetByteCount(text) + 2) / 3 * 4);
        }

        return QueueMessageEncoding.Encode(text);
    }

    private HttpMessage CreateMessage(RequestMethod method, string url)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(url));
        message.Request.Headers.Add("x-ms-version", _version);
        return message;
    }

    private static void SetXmlBody(Request request, string encodedText)
    {
        request.Headers.Add("Content-Type", "application/xml");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(
            "<QueueMessage><MessageText>" + SecurityElement.Escape(encodedText) + "</MessageText></QueueMessage>"));
    }

    private void EnsureSuccess(Response response, string operation)
    {
        if (response.Status is < 200 or >= 300)
        {
            throw StorageErrors.FromResponse(response, $"{operation} on queue '{Name}'");
        }
    }

    private static IEnumerable<XElement> ParseMessages(Response response)
    {
        var xml = XDocument.Parse(response.Content.ToString());
        return xml.Root?.Elements("QueueMessage") ?? [];
    }

    private static string Value(XElement element, string name) => element.Element(name)?.Value ?? "";

    private static DateTimeOffset Time(XElement element, string name) =>
        DateTimeOffset.TryParse(Value(element, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : DateTimeOffset.MaxValue;

    private static long Seconds(TimeSpan? value, long fallback) =>
        value is { } v ? (long)Math.Ceiling(v.TotalSeconds) : fallback;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*[a-z0-9]$")]
    private static partial Regex QueueNamePattern();
}
