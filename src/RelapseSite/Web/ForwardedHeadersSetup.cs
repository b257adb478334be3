using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace RelapseSite.Web;

public static class ForwardedHeadersSetup
{
    /// <summary>
    /// Trusts forwarded headers only from the configured proxies. With none configured the headers are ignored
    /// entirely: the middleware treats empty trust lists as "trust everyone", and its defaults trust loopback, so
    /// both are replaced here rather than left as they are.
    /// </summary>
    public static WebApplicationBuilder AddSiteForwardedHeaders(this WebApplicationBuilder builder)
    {
        // Read as plain strings, not bound: the binder throws, without naming the key, when a list is given instead.
        builder.Services.AddOptions<ForwardedHeadersSettings>()
            .Configure<IConfiguration>((settings, configuration) =>
            {
                var section = configuration.GetSection(ForwardedHeadersSettings.Section);
                settings.KnownProxies = section[nameof(settings.KnownProxies)];
                settings.KnownNetworks = section[nameof(settings.KnownNetworks)];
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettingsValidator>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, settings) =>
        {
            var proxies = settings.Value.Proxies;
            var networks = settings.Value.Networks;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }

            options.ForwardedHeaders = proxies.Count + networks.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                : ForwardedHeaders.None;

            // No hop limit: the middleware walks back through X-Forwarded-For only while each hop is a trusted proxy,
            // so a chain (CDN, load balancer, nginx) resolves to the first untrusted address, which is the client.
            options.ForwardLimit = null;
        });
        return builder;
    }

    /// <summary>Rewrites the client address and scheme from a trusted proxy's headers. Runs first, so everything after it sees the real client.</summary>
    public static WebApplication UseSiteForwardedHeaders(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }
}
