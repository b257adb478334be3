using Microsoft.Extensions.Options;
using RelapseSite.Contact;
using RelapseSite.Content;

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

        // Markdown content, loaded once and watched
        builder.Services.AddContent();

        // Pages, the cache that serves them pre-rendered and pre-compressed, and fingerprinted static files
        builder.Services.AddRazorPages();
        builder.Services.AddPageCache();
        builder.AddStaticAssets();

        // The inquiry path
        builder.AddContact();

        return builder;
    }

    public static WebApplication UseSite(this WebApplication app)
    {
        // Friendly error pages: never a stack trace outside Development
        app.UseSiteErrorPages();

        // One log line per request
        app.UseSiteRequestLogging();

        // Static files (fingerprinted, pre-compressed), cached pages, then pages and the contact controller
        app.UseRouting();
        app.UseContact();
        app.UsePageCache();

        // Razor Pages registers both; named here, they run after the page cache instead of ahead of everything.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        app.MapContact();

        return app;
    }
}
