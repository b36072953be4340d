using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Deliveries;
using Automation.Core.Webhooks;
using Automation.Storage.Deliveries;

namespace Automation.Functions.Deliveries;

/// <summary>How one attempt ended.</summary>
public enum AttemptResult
{
    Delivered,

    /// <summary>Failed for a reason that may pass (5xx, 429, a timeout, a 4xx SMTP reply): try again on schedule.</summary>
    Retry,

    /// <summary>Failed for good (410, a refused address, a 5xx SMTP reply, a bad configuration): stop.</summary>
    Permanent,

    /// <summary>Kept in the outbox by the "outbox only" provider.</summary>
    Held,
}

public sealed record AttemptOutcome(AttemptResult Result, string? Status, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static AttemptOutcome FromHttp(OutboundResponse response, bool permanentOn4xx)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = response.Status.ToString(CultureInfo.InvariantCulture);
        var body = response.Body.Length > 500 ? response.Body[..500] + "…" : response.Body;
        return response.Status switch
        {
            >= 200 and < 300 => new AttemptOutcome(AttemptResult.Delivered, status),
            410 => new AttemptOutcome(AttemptResult.Permanent, status, "410 Gone: the receiver asked not to be called again. " + body),
            >= 400 and < 500 and not (408 or 425 or 429) when permanentOn4xx => new AttemptOutcome(AttemptResult.Permanent, status, body),
            _ => new AttemptOutcome(AttemptResult.Retry, status, $"HTTP {status}: {body}", response.RetryAfter),
        };
    }
}

/// <summary>Sends one kind of delivery.</summary>
public interface IDeliveryChannel
{
    string Kind { get; }

    string Provider { get; }

    Task<AttemptOutcome> SendAsync(Delivery delivery, CancellationToken cancellationToken);
}

/// <summary>The "outbox only" provider: the rendered message stays visible through the API and is never sent.</summary>
public sealed class OutboxOnlyChannel(string kind) : IDeliveryChannel
{
    public string Kind => kind;

    public string Provider => DeliveryOptions.OutboxOnly;

    public Task<AttemptOutcome> SendAsync(Delivery delivery, CancellationToken cancellationToken) =>
        Task.FromResult(new AttemptOutcome(AttemptResult.Held, null, $"Kept in the outbox: no {kind} provider is configured (provider 'outbox')."));
}

/// <summary>
/// Outgoing webhooks (spec §5.10): POST the body with <c>Content-Type: application/json</c>; with a signing secret, the
/// Standard Webhooks headers (<c>webhook-id</c> = the delivery id, the same on every attempt, <c>webhook-timestamp</c>,
/// <c>webhook-signature</c>). 2xx delivers; 410 stops; anything else is retried, honouring <c>Retry-After</c>.
/// </summary>
public sealed class WebhookChannel(OutboundHttp http, TimeProvider time) : IDeliveryChannel
{
    public string Kind => DeliveryKinds.Webhook;

    public string Provider => "http";

    public async Task<AttemptOutcome> SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var url = delivery.Message["url"]?.GetValue<string>() ?? "";
        var body = Encoding.UTF8.GetBytes(delivery.Message["body"]?.GetValue<string>() ?? "{}");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return new AttemptOutcome(AttemptResult.Permanent, null, $"'{url}' is not an absolute URL.");
        }

        var secret = StandardWebhooks.DecodeSecret(delivery.Message["secret"]?.GetValue<string>());
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var response = await http.SendAsync(uri, target =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (secret is not null)
            {
                request.Headers.Add(StandardWebhooks.IdHeader, delivery.Id);
                request.Headers.Add(StandardWebhooks.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
                request.Headers.Add(StandardWebhooks.SignatureHeader, StandardWebhooks.Sign(secret, delivery.Id, timestamp, body));
            }

            return request;
        }, cancellationToken);
        return AttemptOutcome.FromHttp(response, permanentOn4xx: false);
    }
}

/// <summary>SMS through Twilio's Messages API (<c>POST /2010-04-01/Accounts/{sid}/Messages.json</c>, form-encoded, basic auth).</summary>
public sealed class TwilioSmsChannel(OutboundHttp http, TwilioOptions options) : IDeliveryChannel
{
    public string Kind => DeliveryKinds.Sms;

    public string Provider => "twilio";

    public async Task<AttemptOutcome> SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (options.AccountSid is null || options.AuthToken is null || options.From is null)
        {
            return new AttemptOutcome(AttemptResult.Permanent, null, $"Twilio needs {TwilioOptions.Section}:AccountSid, AuthToken and From.");
        }

        var url = new Uri(options.BaseUrl, $"2010-04-01/Accounts/{Uri.EscapeDataString(options.AccountSid)}/Messages.json");
        var response = await http.SendAsync(url, target =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["To"] = delivery.Message["to"]?.GetValue<string>() ?? "",
                    ["From"] = options.From,
                    ["Body"] = delivery.Message["body"]?.GetValue<string>() ?? "",
                }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(options.AccountSid + ":" + options.AuthToken)));
            return request;
        }, cancellationToken);
        var outcome = AttemptOutcome.FromHttp(response, permanentOn4xx: true);
        return outcome.Result == AttemptResult.Delivered && Json(response.Body)?["sid"] is JsonValue sid
            ? outcome with { Status = $"{outcome.Status} {sid}" }
            : outcome;
    }

    private static JsonNode? Json(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>WhatsApp through Meta's Cloud API (<c>POST /{phone-number-id}/messages</c>, bearer token, a text message).</summary>
public sealed class WhatsAppCloudChannel(OutboundHttp http, WhatsAppCloudOptions options) : IDeliveryChannel
{
    public string Kind => DeliveryKinds.WhatsApp;

    public string Provider => "cloudapi";

    public async Task<AttemptOutcome> SendAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (options.PhoneNumberId is null || options.AccessToken is null)
        {
            return new AttemptOutcome(AttemptResult.Permanent, null, $"The WhatsApp Cloud API needs {WhatsAppCloudOptions.Section}:PhoneNumberId and AccessToken.");
        }

        var to = new string((delivery.Message["to"]?.GetValue<string>() ?? "").Where(char.IsAsciiDigit).ToArray());
        var payload = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = to,
            ["type"] = "text",
            ["text"] = new JsonObject { ["preview_url"] = false, ["body"] = delivery.Message["body"]?.GetValue<string>() ?? "" },
        }.ToJsonString();
        var url = new Uri(options.BaseUrl, $"{Uri.EscapeDataString(options.PhoneNumberId)}/messages");
        var response = await http.SendAsync(url, target =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
            return request;
        }, cancellationToken);
        return AttemptOutcome.FromHttp(response, permanentOn4xx: true);
    }
}

/// <summary>Email through the SMTP server of the settings.</summary>
public sealed class SmtpEmailChannel(SmtpSender sender) : IDeliveryChannel
{
    public string Kind => DeliveryKinds.Email;

    public string Provider => "smtp";

    public Task<AttemptOutcome> SendAsync(Delivery delivery, CancellationToken cancellationToken) => sender.SendAsync(delivery, cancellationToken);
}
