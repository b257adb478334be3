using Microsoft.Extensions.Options;
using RelapseSite.Contact;
using RelapseSite.Content;
using RelapseSite.Pages;

namespace RelapseSite.Web;

/// <summary>The whole site's wiring, grouped by concern. Program.cs calls <see cref="AddSite"/> and <see cref="UseSite"/>.</summary>
public static class SiteSetup
{
    public static WebApplicationBuilder AddSite(this WebApplicationBuilder builder)
    {
        // Logging
        builder.AddSiteLogging();

        // The center's details, validated before the first request
        builder.Services.AddOptions<SiteOptions>().BindConfiguration(SiteOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<SiteOptions>>().Value);

        // Key ring for antiforgery tokens and the encrypted outbox
        builder.AddSiteDataProtection();

        // Small request bodies only: the contact form is the one thing posted
        builder.AddSiteRequestLimits();

        // Client address and scheme from trusted reverse proxies only
        builder.AddSiteForwardedHeaders();

        // Liveness and readiness probes
        builder.AddSiteHealth();

        // Markdown content, loaded once and watched
        builder.Services.AddContent();

        // Pages, the cache that serves them pre-rendered and pre-compressed, and fingerprinted static files
        builder.Services.AddRazorPages(options => options.Conventions.Add(new ReadOnlyPagesConvention()));
        builder.Services.AddPageCache();
        builder.AddStaticAssets();

        // Strict headers and cookies, no Server header
        builder.AddSiteSecurityHeaders();

        // The inquiry path
        builder.AddContact();

        return builder;
    }

    public static WebApplication UseSite(this WebApplication app)
    {
        // A warning, not a refusal: the README's own `dotnet run` is Production on localhost. The container image
        // clears the setting, so there it is a refusal naming the key.
        var site = app.Services.GetRequiredService<SiteOptions>();
        if (!app.Environment.IsDevelopment() && site.PointsAtThisMachine)
        {
            app.Logger.LogWarning(
                "Site:BaseUrl is {BaseUrl}: canonical links and the sitemap point at this machine; set Site__BaseUrl to the public address",
                site.BaseUrl);
        }

        // The real client address and scheme behind a trusted proxy, before anything reads them
        app.UseSiteForwardedHeaders();

        // Friendly error pages: never a stack trace outside Development
        app.UseSiteErrorPages();

        // One log line per request
        app.UseSiteRequestLogging();

        // Cached pages: by path before routing once served, else right after routing. A stored page carries its
        // security headers, and the contact form's middleware never applies to it. A hit ends here, so this short
        // path is what most requests cost.
        app.UsePageCacheShortcut();
        app.UseRouting();
        app.UsePageCache();

        // Security headers on every other response; error pages are re-executed through here, so they get them too
        app.UseSiteSecurityHeaders();

        // Then the contact form's antiforgery check, static files (fingerprinted, pre-compressed), pages
        // and the contact controller (which applies the rate limit itself, after validation)
        app.UseContact();

        // Razor Pages registers both; named here, they run after the page cache instead of ahead of everything.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapStaticAssets(StaticAssets.Manifest);
        app.MapRazorPages().WithStaticAssets(StaticAssets.Manifest);
        app.MapContact();

        // /healthz and /healthz/ready
        app.MapSiteHealth();

        // sitemap.xml and robots.txt
        app.MapSeo();

        return app;
    }
}
