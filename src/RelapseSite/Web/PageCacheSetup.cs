using Microsoft.AspNetCore.Mvc.RazorPages;

namespace RelapseSite.Web;

public static class PageCacheSetup
{
    /// <summary>
    /// The pages rendered from content alone, the same for every visitor: the home page, guide sections and standalone
    /// pages. The contact form is not here and must never be: it carries an antiforgery token and echoes form input.
    /// </summary>
    private static readonly string[] CachedPages = ["/Index", "/Guide/Section", "/Standalone"];

    public static IServiceCollection AddPageCache(this IServiceCollection services)
    {
        services.AddSingleton<PageCache>();
        services.Configure<RazorPagesOptions>(options =>
        {
            foreach (var page in CachedPages)
            {
                options.Conventions.AddPageApplicationModelConvention(page, model => model.EndpointMetadata.Add(new CachedPageAttribute()));
            }
        });
        return services;
    }

    /// <summary>Goes right before routing: a page already served is sent by its path, without routing.</summary>
    public static WebApplication UsePageCacheShortcut(this WebApplication app)
    {
        app.UseMiddleware<PageCacheShortcut>();
        return app;
    }

    /// <summary>Goes after routing (the cache keys on the endpoint) and before the endpoints.</summary>
    public static WebApplication UsePageCache(this WebApplication app)
    {
        app.UseMiddleware<PageCacheMiddleware>();
        return app;
    }
}
