using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace RelapseSite.Tests;

/// <summary>The real site on real Kestrel, so headers Kestrel itself would add (Server) are seen too.</summary>
public sealed class KestrelSiteFactory : SiteFactory
{
    private readonly Lazy<Uri> _address;

    public KestrelSiteFactory()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _address = new Lazy<Uri>(() =>
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            return new Uri(addresses.First());
        });
    }

    /// <summary>A plain HttpClient talking real HTTP to the site, not following redirects.</summary>
    public HttpClient CreateHttpVisitor(bool cookies = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies }) { BaseAddress = _address.Value };
}
