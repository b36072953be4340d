using System.Net;

namespace Automation.Functions.Webhooks;

/// <summary>
/// The caller's IP address for a webhook's allow-list. Behind the Functions front end the socket peer is the
/// platform, which appends the real caller to <c>X-Forwarded-For</c>; entries to the left of it came from the caller
/// and prove nothing. So the address is the entry <c>hops</c> places from the right (ports and brackets removed); with
/// no trusted proxies, or no such entry, it is the socket's address.
/// </summary>
public static class ClientAddress
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    public static IPAddress? Resolve(HttpContext context, int trustedHops)
    {
        ArgumentNullException.ThrowIfNull(context);
        var socket = context.Connection.RemoteIpAddress;
        if (trustedHops <= 0)
        {
            return socket;
        }

        var entries = context.Request.Headers[ForwardedForHeader]
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        return entries.Count >= trustedHops ? Parse(entries[^trustedHops]) : socket;
    }

    /// <summary><c>203.0.113.7</c>, <c>203.0.113.7:51234</c>, <c>2001:db8::1</c>, <c>[2001:db8::1]:443</c>; null when none of these.</summary>
    public static IPAddress? Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.StartsWith('['))
        {
            var end = entry.IndexOf(']', StringComparison.Ordinal);
            return end > 1 && IPAddress.TryParse(entry.AsSpan(1, end - 1), out var bracketed) ? bracketed : null;
        }

        if (IPAddress.TryParse(entry, out var address))
        {
            return address;
        }

        // IPv4 with a port: exactly one colon.
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon == entry.LastIndexOf(':') && IPAddress.TryParse(entry.AsSpan(0, colon), out var withPort) ? withPort : null;
    }
}
