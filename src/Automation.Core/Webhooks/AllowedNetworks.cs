using System.Net;

namespace Automation.Core.Webhooks;

/// <summary>A rule's IP allow-list (<c>webhook_allowed_ips</c>): IPv4 and IPv6 addresses and CIDR ranges.</summary>
public sealed class AllowedNetworks
{
    public const int MaxEntries = 200;

    private readonly IReadOnlyList<IPNetwork> _networks;

    private AllowedNetworks(IReadOnlyList<IPNetwork> networks) => _networks = networks;

    public int Count => _networks.Count;

    /// <summary>Parses entries such as <c>203.0.113.7</c>, <c>10.0.0.0/8</c>, <c>2001:db8::/32</c>; throws <see cref="FormatException"/>.</summary>
    public static AllowedNetworks Parse(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var networks = new List<IPNetwork>();
        foreach (var raw in entries)
        {
            var entry = raw.Trim();
            if (IPAddress.TryParse(entry, out var single) && !entry.Contains('/', StringComparison.Ordinal))
            {
                single = Normalize(single);
                networks.Add(new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                throw new FormatException(
                    $"'{raw}' is not an IP address or a CIDR range (e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32).");
            }
        }

        return new AllowedNetworks(networks);
    }

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var normalized = Normalize(address);
        return _networks.Any(n => n.Contains(normalized));
    }

    /// <summary>An IPv4 client seen through a dual-stack socket (<c>::ffff:1.2.3.4</c>) is matched as IPv4.</summary>
    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
