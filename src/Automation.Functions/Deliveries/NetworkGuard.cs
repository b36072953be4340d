using System.Net;
using System.Net.Sockets;
using Automation.Core.Webhooks;

namespace Automation.Functions.Deliveries;

/// <summary>
/// SSRF protection of outgoing HTTP: addresses a rule's URL must not reach unless the setting
/// <c>Automation:Deliveries:AllowedNetworks</c> allows them: loopback, "this network", private (RFC 1918, IPv6 ULA),
/// link-local (the cloud metadata endpoint 169.254.169.254 among them), carrier-grade NAT (100.64.0.0/10), multicast,
/// broadcast and reserved ranges, benchmarking and IETF protocol ranges, also when written as IPv4-mapped or NAT64 IPv6.
/// </summary>
public sealed class NetworkGuard(AllowedNetworks allowed)
{
    private static readonly IPNetwork[] Forbidden =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("100::/64"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>Null when <paramref name="address"/> may be reached, else why not.</summary>
    public string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (allowed.Contains(address))
        {
            return null;
        }

        var checkedAddress = Embedded(address);
        var hit = Forbidden.FirstOrDefault(n => n.Contains(checkedAddress));
        return hit == default ? null : $"{address} is in {Describe(hit)} ({hit}), which outgoing requests may not reach (setting Automation:Deliveries:AllowedNetworks allows it).";
    }

    /// <summary>The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address; the address itself otherwise.</summary>
    private static IPAddress Embedded(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(address))
        {
            var bytes = address.GetAddressBytes();
            return new IPAddress(bytes[12..16]);
        }

        return address;
    }

    private static string Describe(IPNetwork network) => network.ToString() switch
    {
        "127.0.0.0/8" or "::1/128" => "a loopback range",
        "10.0.0.0/8" or "172.16.0.0/12" or "192.168.0.0/16" or "fc00::/7" => "a private range",
        "169.254.0.0/16" or "fe80::/10" => "a link-local range (cloud metadata endpoints live there)",
        "100.64.0.0/10" => "the carrier-grade NAT range",
        "224.0.0.0/4" or "ff00::/8" => "a multicast range",
        _ => "a reserved range",
    };
}
