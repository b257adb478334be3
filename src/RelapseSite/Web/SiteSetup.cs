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

        // Pages
        builder.Services.AddRazorPages();

        // Strict headers and cookies, no Server header
        builder.AddSiteSecurityHeaders();

        // The inquiry path
        builder.AddContact();

        return builder;
    }

    public static WebApplication UseSite(this WebApplication app)
    {
        // Security headers first, so error responses get them too
        app.UseSiteSecurityHeaders();

        // Friendly error pages: never a stack trace outside Development
        app.UseSiteErrorPages();

        // One log line per request
        app.UseSiteRequestLogging();

        // Static files, then pages and the contact controller
        app.UseStaticFiles();
        app.UseRouting();
        app.UseContact();
        app.MapRazorPages();
        app.MapContact();

        // sitemap.xml and robots.txt
        app.MapSeo();

        return app;
    }
}
