using System.Net;
using Microsoft.AspNetCore.Http;

namespace RelapseSite.Tests.Web;

/// <summary>
/// What the rest of the app (the rate limiter, the request scheme) sees as the client, with and without a trusted
/// proxy. Each request goes through the whole pipeline with a chosen peer address, as Kestrel would set it.
/// </summary>
public sealed class ForwardedHeadersTests : IDisposable
{
    private const string Proxy = "198.51.100.7";
    private const string Client = "203.0.113.9";

    private readonly SiteFactory _site = new();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.0.0.5")]
    [InlineData(Proxy)]
    public async Task Without_a_configured_proxy_no_peer_can_claim_another_address_or_scheme(string peer)
    {
        var seen = await Send(peer, forwardedFor: Client, forwardedProto: "https");

        Assert.Equal(IPAddress.Parse(peer), seen.Connection.RemoteIpAddress);
        Assert.Equal("http", seen.Request.Scheme);
    }

    [Fact]
    public async Task A_configured_proxy_s_client_address_and_scheme_are_honoured()
    {
        _site.Set("ForwardedHeaders:KnownProxies", $"192.0.2.1, {Proxy}");

        var seen = await Send(Proxy, forwardedFor: Client, forwardedProto: "https");

        Assert.Equal(IPAddress.Parse(Client), seen.Connection.RemoteIpAddress);
        Assert.Equal("https", seen.Request.Scheme);
    }

    [Fact]
    public async Task A_proxy_inside_a_configured_network_is_trusted()
    {
        _site.Set("ForwardedHeaders:KnownNetworks", "10.0.0.0/8,fd00::/8");

        var seen = await Send("10.1.2.3", forwardedFor: Client);

        Assert.Equal(IPAddress.Parse(Client), seen.Connection.RemoteIpAddress);
    }

    [Fact]
    public async Task A_proxy_seen_as_an_IPv4_mapped_IPv6_address_is_still_recognised()
    {
        // Kestrel bound to [::] (the container's http://+:8080) reports IPv4 peers this way.
        _site.Set("ForwardedHeaders:KnownProxies", Proxy);

        var seen = await Send($"::ffff:{Proxy}", forwardedFor: Client);

        Assert.Equal(IPAddress.Parse(Client), seen.Connection.RemoteIpAddress);
    }

    [Fact]
    public async Task With_a_proxy_configured_any_other_peer_is_still_taken_at_its_word()
    {
        _site.Set("ForwardedHeaders:KnownProxies", Proxy);

        var seen = await Send("198.51.100.99", forwardedFor: Client, forwardedProto: "https");

        Assert.Equal(IPAddress.Parse("198.51.100.99"), seen.Connection.RemoteIpAddress);
        Assert.Equal("http", seen.Request.Scheme);
    }

    [Fact]
    public async Task A_client_cannot_spoof_its_address_through_a_trusted_proxy()
    {
        // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the address it really saw.
        _site.Set("ForwardedHeaders:KnownProxies", Proxy);

        var seen = await Send(Proxy, forwardedFor: $"6.6.6.6, {Client}");

        Assert.Equal(IPAddress.Parse(Client), seen.Connection.RemoteIpAddress);
    }

    [Fact]
    public async Task A_chain_of_trusted_proxies_resolves_to_the_first_untrusted_address()
    {
        _site.Set("ForwardedHeaders:KnownNetworks", "10.0.0.0/8");

        var seen = await Send("10.0.0.2", forwardedFor: $"6.6.6.6, {Client}, 10.0.0.1");

        Assert.Equal(IPAddress.Parse(Client), seen.Connection.RemoteIpAddress);
    }

    public void Dispose() => _site.Dispose();

    /// <summary>Sends GET /healthz from <paramref name="peer"/> and returns the request as the app saw it after the pipeline ran.</summary>
    private Task<HttpContext> Send(string peer, string forwardedFor, string? forwardedProto = null) =>
        _site.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = "/healthz";
            context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            if (forwardedProto is not null)
            {
                context.Request.Headers["X-Forwarded-Proto"] = forwardedProto;
            }
        });
}
