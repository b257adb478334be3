using System.Globalization;
using System.Xml.Linq;
using RelapseSite.Content;

namespace RelapseSite.Web;

/// <summary>
/// <c>/sitemap.xml</c> and <c>/robots.txt</c>, built from the current content snapshot and <c>Site:BaseUrl</c>.
/// Error pages and the form's thanks page are not listed: they carry <c>noindex</c>.
/// </summary>
public static class SeoEndpoints
{
    private static readonly XNamespace Sitemaps = "http://www.sitemaps.org/schemas/sitemap/0.9";

    // Crawlers fetch these again and again; an hour old is fresh enough for both, and a content edit is still seen the same day.
    private const string CacheForAnHour = "public, max-age=3600";

    public static WebApplication MapSeo(this WebApplication app)
    {
        app.MapGet("/sitemap.xml", (HttpResponse response, ContentStore store, SiteOptions site) =>
        {
            response.Headers.CacheControl = CacheForAnHour;
            return Results.Text(Sitemap(store.Current, site), "application/xml; charset=utf-8");
        });
        app.MapGet("/robots.txt", (HttpResponse response, SiteOptions site) =>
        {
            response.Headers.CacheControl = CacheForAnHour;
            return Results.Text(Robots(site), "text/plain; charset=utf-8");
        });
        return app;
    }

    /// <summary>Every page a search engine should know: the home page, each guide section, each standalone page, the form.</summary>
    public static IEnumerable<(string Path, DateOnly? LastReviewed)> IndexablePages(ContentSnapshot content) =>
        [("/", content.LastReviewed), .. content.AllPages.Select(p => (p.Path, p.LastReviewed)), ("/contact", null)];

    public static string Sitemap(ContentSnapshot content, SiteOptions site)
    {
        var urls = IndexablePages(content).Select(page => new XElement(
            Sitemaps + "url",
            new XElement(Sitemaps + "loc", site.AbsoluteUrl(page.Path)),
            page.LastReviewed is { } reviewed ? new XElement(Sitemaps + "lastmod", reviewed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : null));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement(Sitemaps + "urlset", urls));
        return document.Declaration + Environment.NewLine + document.ToString();
    }

    public static string Robots(SiteOptions site) =>
        $"User-agent: *\nDisallow:\n\nSitemap: {site.AbsoluteUrl("/sitemap.xml")}\n";
}
