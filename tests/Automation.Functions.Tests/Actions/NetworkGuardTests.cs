using System.Net;
using Automation.Core.Webhooks;
using Automation.Functions.Deliveries;

namespace Automation.Functions.Tests.Actions;

/// <summary>SSRF protection of outgoing HTTP, without sending anything anywhere.</summary>
public sealed class NetworkGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.5.4")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public void ForbiddenAddresses_AreRefused(string address) =>
        Assert.NotNull(new NetworkGuard(AllowedNetworks.Parse([])).Refusal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946")]
    public void PublicAddresses_AreAllowed(string address) =>
        Assert.Null(new NetworkGuard(AllowedNetworks.Parse([])).Refusal(IPAddress.Parse(address)));

    [Fact]
    public void AnAllowListedNetwork_IsAllowed() =>
        Assert.Null(new NetworkGuard(AllowedNetworks.Parse(["10.1.0.0/16"])).Refusal(IPAddress.Parse("10.1.2.3")));

    [Fact]
    public async Task AHostNameResolvingToAPrivateAddress_IsRefusedBeforeConnecting()
    {
        using var http = new OutboundHttp(new DeliveryOptions(), (host, _) => Task.FromResult(new[] { IPAddress.Parse("10.9.8.7") }));

        var refused = await Assert.ThrowsAsync<OutboundRefusedException>(() =>
            http.SendAsync(new Uri("http://internal.example/hook"), url => new HttpRequestMessage(HttpMethod.Post, url), CancellationToken.None));

        Assert.StartsWith("internal.example resolves to 10.9.8.7 is in a private range", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANameResolvingPartlyInside_IsRefused()
    {
        using var http = new OutboundHttp(new DeliveryOptions(),
            (host, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Parse("169.254.169.254") }));

        await Assert.ThrowsAsync<OutboundRefusedException>(() =>
            http.SendAsync(new Uri("http://rebind.example/"), url => new HttpRequestMessage(HttpMethod.Get, url), CancellationToken.None));
    }
}
