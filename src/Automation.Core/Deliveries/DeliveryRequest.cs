using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Automation.Core.Deliveries;

/// <summary>What an outgoing message is sent through.</summary>
public static class DeliveryKinds
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string WhatsApp = "whatsapp";
    public const string Webhook = "webhook";

    public static readonly IReadOnlyList<string> All = [Email, Sms, WhatsApp, Webhook];
}

/// <summary>Where a delivery stands (<c>GET /api/admin/deliveries?status=</c>).</summary>
public static class DeliveryStatuses
{
    /// <summary>Accepted, waiting for its first attempt.</summary>
    public const string Queued = "queued";

    /// <summary>An attempt is under way.</summary>
    public const string Sending = "sending";

    /// <summary>An attempt failed; the next one is scheduled (<c>next_attempt_at</c>).</summary>
    public const string Retrying = "retrying";

    public const string Delivered = "delivered";

    /// <summary>Given up: a permanent refusal (410, a refused address, no recipient) or every attempt failed.</summary>
    public const string Failed = "failed";

    /// <summary>Kept in the outbox without sending (the "outbox only" provider of development setups).</summary>
    public const string Held = "held";

    public static readonly IReadOnlyList<string> All = [Queued, Sending, Retrying, Delivered, Failed, Held];

    public static bool IsFinal(string status) => status is Delivered or Failed or Held;
}

/// <summary>
/// An email, SMS, WhatsApp message or outgoing webhook an action hands to the outbox. <see cref="Message"/> is what the
/// channel sends (rendered already); <see cref="IdempotencyKey"/> makes a repeated hand-over (an action run again after a
/// crash) the same delivery, not a second one.
/// </summary>
public sealed record DeliveryRequest
{
    public required string Kind { get; init; }

    public required string IdempotencyKey { get; init; }

    public required JsonObject Message { get; init; }

    /// <summary>Who or where, for listings: the URL, the email addresses, the phone number.</summary>
    public required string Target { get; init; }

    public string? RuleId { get; init; }

    public string? ActionName { get; init; }

    public string? Model { get; init; }

    public long? RecordId { get; init; }

    /// <summary>A reason to record the delivery as failed at once, without sending (e.g. the template gives no recipient).</summary>
    public string? RefusedBecause { get; init; }

    /// <summary>A stable key from the parts that identify one hand-over (chain, rule, record, action, recipient…).</summary>
    public static string KeyOf(params object?[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var text = string.Join("\u001f", parts.Select(p => Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>The durable outbox: an accepted request is stored before this returns, then sent by the <c>Deliveries</c> function.</summary>
public interface IDeliveryOutbox
{
    /// <summary>Stores the request (or finds the one stored under its key) and returns the delivery's id.</summary>
    Task<string> EnqueueAsync(DeliveryRequest request, CancellationToken cancellationToken);
}

/// <summary>A dry run's outbox: remembers what would be sent, stores nothing.</summary>
public sealed class DryRunOutbox : IDeliveryOutbox
{
    private readonly List<DeliveryRequest> _requests = [];

    public IReadOnlyList<DeliveryRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public Task<string> EnqueueAsync(DeliveryRequest request, CancellationToken cancellationToken)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }

        return Task.FromResult("dry-run");
    }
}
