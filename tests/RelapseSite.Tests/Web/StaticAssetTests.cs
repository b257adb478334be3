using System.Net;
using System.Text.RegularExpressions;

namespace RelapseSite.Tests.Web;

public sealed partial class StaticAssetTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    [Theory]
    [InlineData("stylesheet", "css", "text/css")]
    [InlineData("icon", "svg", "image/svg+xml")]
    [InlineData("icon", "ico", "image/x-icon")]
    [InlineData("apple-touch-icon", "png", "image/png")]
    public async Task Linked_assets_have_fingerprinted_urls_cached_for_a_year_as_immutable(string rel, string extension, string contentType)
    {
        var client = site.CreateVisitor();
        var html = await client.GetStringAsync("/");
        var href = Regex.Match(html, $"<link rel=\"{rel}\" href=\"([^\"]+\\.{extension})\"").Groups[1].Value;

        var response = await client.GetAsync(href);

        Assert.Matches(Fingerprinted(), href);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
        Assert.Contains("immutable", response.Headers.CacheControl?.Extensions.Select(e => e.Name) ?? []);
    }

    [Fact]
    public async Task The_plain_stylesheet_url_still_works_but_must_be_revalidated()
    {
        // An old page or a bookmark may name the file without its fingerprint; it must not be pinned for a year.
        var response = await site.CreateVisitor().GetAsync("/css/site.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoCache, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.NotNull(response.Headers.ETag);
    }

    [Theory]
    [InlineData("/favicon.ico", "image/x-icon")]
    [InlineData("/apple-touch-icon.png", "image/png")]
    public async Task Icons_asked_for_by_their_fixed_address_are_served(string path, string contentType)
    {
        // Browsers and phones ask for these two without reading the page's links. A 404 each time would fill the log.
        var response = await site.CreateVisitor().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }

    [Fact]
    public async Task The_stylesheet_is_served_compressed()
    {
        var client = site.CreateVisitor();
        var html = await client.GetStringAsync("/");
        var href = Regex.Match(html, "<link rel=\"stylesheet\" href=\"([^\"]+)\"").Groups[1].Value;
        var request = new HttpRequestMessage(HttpMethod.Get, href);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");

        var response = await client.SendAsync(request);

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
    }

    [GeneratedRegex(@"^/[a-z/]*[a-z-]+\.[a-z0-9]{6,}\.(css|svg|ico|png)$")]
    private static partial Regex Fingerprinted();
}
