using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Automation.Core.Webhooks;

/// <summary>
/// Standard Webhooks signatures (standardwebhooks.com): the sender signs <c>{webhook-id}.{webhook-timestamp}.{body}</c>
/// with HMAC-SHA256 under a shared secret <c>whsec_&lt;base64&gt;</c> and sends <c>webhook-signature: v1,&lt;base64&gt;</c>,
/// several space-separated signatures during a key rotation. A request passes when any signature matches any of the
/// rule's secrets and the timestamp is within the tolerance of now.
/// </summary>
public static class StandardWebhooks
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string SecretPrefix = "whsec_";

    /// <summary>The key bytes of a <c>whsec_…</c> secret, or null when it is not one (24 to 64 random bytes, base64).</summary>
    public static byte[]? DecodeSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var key = Convert.FromBase64String(secret[SecretPrefix.Length..]);
            return key.Length is >= 24 and <= 64 ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A new secret: 32 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The <c>v1,…</c> signature of a message, as a sender computes it.</summary>
    public static string Sign(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(key);
        return "v1," + Convert.ToBase64String(Mac(key, id, timestamp.ToString(CultureInfo.InvariantCulture), body));
    }

    /// <summary>Null when the request is signed by one of <paramref name="keys"/>, else why not (for the 401 answer).</summary>
    public static string? Verify(IReadOnlyList<byte[]> keys, string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return $"This webhook requires a signature: send the {IdHeader}, {TimestampHeader} and {SignatureHeader} headers (Standard Webhooks).";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 100_000_000_000)
        {
            return $"The {TimestampHeader} header must be a Unix time in seconds.";
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (age.Duration() > tolerance)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"The {TimestampHeader} is {Math.Abs(age.TotalSeconds):0} s {(age > TimeSpan.Zero ? "old" : "in the future")}; at most {tolerance.TotalSeconds:0} s is accepted.");
        }

        Span<byte> presented = stackalloc byte[64];
        foreach (var signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!signature.StartsWith("v1,", StringComparison.Ordinal) ||
                !Convert.TryFromBase64String(signature[3..], presented, out var length) || length != 32)
            {
                continue; // other schemes (v1a) or garbage: not ours to judge
            }

            foreach (var key in keys)
            {
                if (CryptographicOperations.FixedTimeEquals(Mac(key, id, timestamp, body), presented[..length]))
                {
                    return null;
                }
            }
        }

        return $"No {SignatureHeader} matches the rule's signing secret.";
    }

    private static byte[] Mac(byte[] key, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(id + "." + timestamp + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, content);
    }
}
