using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Automation.Core.Webhooks;

/// <summary>
/// An accepted webhook call, as it travels on the <c>webhook-calls</c> queue: its id, the rule, when it was received,
/// and the payload as JSON text (null when the payload waits in a claim-check entity because it is larger than a
/// queue message allows).
/// </summary>
public sealed record WebhookCall(string Id, long RuleId, DateTime ReceivedAt, string? Payload);

/// <summary>
/// Call ids: <c>{received ticks, 19 digits}-{rule id}-{random}{tag}</c>. They sort by time, name their rule, and carry a
/// tag (HMAC under a key kept in storage) so that <c>GET /api/admin/calls/{id}</c> can tell a call still waiting in
/// the queue ("queued") from an id that was never issued (404) without a storage write on the ingress path.
/// </summary>
public sealed class CallIds(byte[] key)
{
    public string NewId(long ruleId, DateTime receivedAt)
    {
        var body = receivedAt.Ticks.ToString("D19", CultureInfo.InvariantCulture) + "-" + ruleId.ToString(CultureInfo.InvariantCulture) + "-" +
                   Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return body + Tag(body);
    }

    /// <summary>The rule and receive time of an id this app issued; null for anything else.</summary>
    public (long RuleId, DateTime ReceivedAt)? Read(string? id)
    {
        if (id is not { Length: > 40 and < 80 } || id[19] != '-')
        {
            return null;
        }

        var body = id[..^16];
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Tag(body)), Encoding.ASCII.GetBytes(id[^16..])))
        {
            return null;
        }

        var parts = body.Split('-');
        return parts.Length == 3 &&
               long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks &&
               long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ruleId)
            ? (ruleId, new DateTime(ticks, DateTimeKind.Utc))
            : null;
    }

    private string Tag(string body) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(body)).AsSpan(0, 8));
}
