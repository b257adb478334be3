using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace RelapseSite.Tests.Web;

public sealed partial class SeoTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    private const string BaseUrl = "https://relapse.example.org";
    private static readonly XNamespace Sitemaps = "http://www.sitemaps.org/schemas/sitemap/0.9";

    [Theory]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("https://relapse.example.org", false)]
    public async Task A_server_whose_base_url_points_at_itself_warns_at_start_naming_the_key(string baseUrl, bool warns)
    {
        using var local = new SiteFactory().Set("Site:BaseUrl", baseUrl);

        await local.CreateVisitor().GetAsync("/");

        Assert.Equal(warns, local.Logs.Events.Any(e => e.Level == Serilog.Events.LogEventLevel.Warning
            && e.RenderMessage().Contains("Site:BaseUrl", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("/sitemap.xml")]
    [InlineData("/robots.txt")]
    public async Task Crawler_files_may_be_cached_for_an_hour(string path)
    {
        var response = await site.CreateVisitor().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.Public, $"Cache-Control was '{response.Headers.CacheControl}'");
        Assert.Equal(TimeSpan.FromHours(1), response.Headers.CacheControl?.MaxAge);
    }

    [Fact]
    public async Task The_sitemap_lists_every_content_page_with_its_review_date()
    {
        var expected = new Dictionary<string, string?>(StringComparer.Ordinal) { [BaseUrl + "/"] = NewestReview(), [BaseUrl + "/contact"] = null };
        foreach (var file in ContentFiles("guide"))
        {
            expected[$"{BaseUrl}/guide/{Path.GetFileNameWithoutExtension(file)}"] = FrontMatter(file, "last_reviewed");
        }

        foreach (var file in ContentFiles("pages"))
        {
            expected[$"{BaseUrl}/{Path.GetFileNameWithoutExtension(file)}"] = FrontMatter(file, "last_reviewed");
        }

        var response = await site.CreateVisitor().GetAsync("/sitemap.xml");
        var sitemap = XDocument.Parse(await response.Content.ReadAsStringAsync());
        var listed = sitemap.Root!.Elements(Sitemaps + "url").ToDictionary(
            url => url.Element(Sitemaps + "loc")!.Value,
            url => url.Element(Sitemaps + "lastmod")?.Value,
            StringComparer.Ordinal);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), listed.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.All(ContentFiles("guide"), file => Assert.NotNull(FrontMatter(file, "last_reviewed")));
    }

    [Fact]
    public async Task Robots_txt_allows_crawling_and_points_to_the_sitemap()
    {
        var response = await site.CreateVisitor().GetAsync("/robots.txt");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.TrimEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("User-agent: *", lines);
        Assert.Contains($"Sitemap: {BaseUrl}/sitemap.xml", lines);
        Assert.DoesNotContain("Disallow: /", lines);
    }

    [Fact]
    public async Task Every_page_has_its_own_title_and_description()
    {
        var pages = await IndexablePages();

        var titles = pages.Select(p => p.Document.Title).ToList();
        var descriptions = pages.Select(p => Meta(p.Document, "name", "description")).ToList();

        Assert.All(titles, t => Assert.False(string.IsNullOrWhiteSpace(t)));
        Assert.All(descriptions, d => Assert.InRange(d?.Length ?? 0, 50, 170));
        Assert.Equal(titles.Count, titles.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(descriptions.Count, descriptions.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(GuideSlugs))]
    public async Task Guide_pages_take_title_and_description_from_front_matter(string slug)
    {
        var file = Path.Combine(site.ContentRoot, "guide", slug + ".md");

        var document = await Load($"/guide/{slug}");

        Assert.StartsWith(FrontMatter(file, "title")! + " | ", document.Title, StringComparison.Ordinal);
        Assert.Equal(FrontMatter(file, "description"), Meta(document, "name", "description"));
        Assert.Equal(FrontMatter(file, "title"), Meta(document, "property", "og:title"));
    }

    [Fact]
    public async Task Every_page_has_an_absolute_canonical_link_and_sharing_tags()
    {
        foreach (var (url, document) in await IndexablePages())
        {
            Assert.Equal(url, document.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
            Assert.Equal(url, Meta(document, "property", "og:url"));
            Assert.Equal(Meta(document, "name", "description"), Meta(document, "property", "og:description"));
            Assert.Equal(url == BaseUrl + "/" ? "website" : "article", Meta(document, "property", "og:type"));
            Assert.Equal("Pompano Beach Recovery Center", Meta(document, "property", "og:site_name"));
            Assert.Equal("summary", Meta(document, "name", "twitter:card"));
            Assert.Equal("en-US", document.DocumentElement.GetAttribute("lang"));
            Assert.Null(Meta(document, "name", "robots"));
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/guide/overdose-risk")]
    [InlineData("/privacy")]
    [InlineData("/contact")]
    [InlineData("/no-such-page")]
    public async Task Every_page_describes_the_center_as_a_medical_organization(string path)
    {
        var organization = Assert.Single(StructuredData(await Load(path)), d => Type(d) == "MedicalOrganization");

        Assert.Equal("https://schema.org", organization.GetProperty("@context").GetString());
        Assert.Equal("Pompano Beach Recovery Center", organization.GetProperty("name").GetString());
        Assert.Equal("+18554254846", organization.GetProperty("telephone").GetString());
        var address = organization.GetProperty("address");
        Assert.Equal("PostalAddress", Type(address));
        Assert.Equal("Pompano Beach", address.GetProperty("addressLocality").GetString());
        Assert.Equal("FL", address.GetProperty("addressRegion").GetString());
        Assert.Equal("US", address.GetProperty("addressCountry").GetString());
    }

    [Theory]
    [MemberData(nameof(GuideSlugs))]
    public async Task Guide_pages_are_medical_web_pages_with_their_review(string slug)
    {
        var file = Path.Combine(site.ContentRoot, "guide", slug + ".md");

        var page = Assert.Single(StructuredData(await Load($"/guide/{slug}")), d => Type(d) == "MedicalWebPage");

        Assert.Equal($"{BaseUrl}/guide/{slug}", page.GetProperty("url").GetString());
        Assert.Equal(FrontMatter(file, "title"), page.GetProperty("name").GetString());
        Assert.Equal(FrontMatter(file, "last_reviewed"), page.GetProperty("lastReviewed").GetString());
        if (FrontMatter(file, "reviewed_by") is { } reviewer)
        {
            Assert.Equal(reviewer, page.GetProperty("reviewedBy").GetProperty("name").GetString());
        }
        else
        {
            // No reviewer named: the page must not claim one.
            Assert.False(page.TryGetProperty("reviewedBy", out _));
        }
    }

    [Fact]
    public async Task A_named_reviewer_appears_in_the_medical_web_page()
    {
        using var own = new SiteFactory();
        own.WriteContent("guide/reviewed.md", "---\ntitle: Reviewed page\ndescription: A page with a named reviewer.\norder: 99\nlast_reviewed: 2026-02-03\nreviewed_by: Dr. Ana Ruiz, MD\n---\nText.\n");
        var client = own.CreateVisitor();

        var html = await client.GetStringAsync("/guide/reviewed");
        var page = Assert.Single(StructuredData(await new HtmlParser().ParseDocumentAsync(html)), d => Type(d) == "MedicalWebPage");

        Assert.Equal("Dr. Ana Ruiz, MD", page.GetProperty("reviewedBy").GetProperty("name").GetString());
        Assert.Equal("2026-02-03", page.GetProperty("lastReviewed").GetString());
    }

    [Theory]
    [InlineData("/privacy")]
    [InlineData("/contact")]
    [InlineData("/no-such-page")]
    public async Task Pages_that_are_not_medical_guidance_are_not_marked_as_such(string path)
    {
        var data = StructuredData(await Load(path));

        Assert.NotEmpty(data);
        Assert.DoesNotContain(data, d => Type(d) == "MedicalWebPage");
    }

    [Fact]
    public async Task A_title_that_looks_like_markup_stays_inside_the_json_ld()
    {
        using var own = new SiteFactory();
        const string Title = "Fear </script><script>alert(1)</script> & hope";
        own.WriteContent("guide/markup.md", $"---\ntitle: \"{Title}\"\ndescription: A page whose title tries to end the script element early.\norder: 99\nlast_reviewed: 2026-01-02\n---\nText.\n");
        var client = own.CreateVisitor();

        var response = await Eventually.Get(() => client.GetAsync("/guide/markup"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(5));
        var html = await response.Content.ReadAsStringAsync();
        var page = Assert.Single(StructuredData(new HtmlParser().ParseDocument(html)), d => Type(d) == "MedicalWebPage");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Title, page.GetProperty("name").GetString());
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
    }

    public static TheoryData<string> GuideSlugs() => new(ContentFiles("guide").Select(f => Path.GetFileNameWithoutExtension(f)!));

    private async Task<List<(string Url, IDocument Document)>> IndexablePages()
    {
        var sitemap = XDocument.Parse(await site.CreateVisitor().GetStringAsync("/sitemap.xml"));
        var pages = new List<(string, IDocument)>();
        foreach (var url in sitemap.Descendants(Sitemaps + "loc").Select(l => l.Value))
        {
            pages.Add((url, await Load(new Uri(url).AbsolutePath)));
        }

        Assert.True(pages.Count >= 12, $"expected every page in the sitemap, found {pages.Count}");
        return pages;
    }

    private async Task<IDocument> Load(string path)
    {
        var response = await site.CreateVisitor().GetAsync(path);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    private static string? Meta(IDocument document, string attribute, string name) =>
        document.QuerySelectorAll("meta").SingleOrDefault(m => m.GetAttribute(attribute) == name)?.GetAttribute("content");

    private static List<JsonElement> StructuredData(IDocument document) => document
        .QuerySelectorAll("script[type='application/ld+json']")
        .Select(s => JsonDocument.Parse(s.TextContent).RootElement.Clone())
        .ToList();

    private static string? Type(JsonElement element) => element.GetProperty("@type").GetString();

    private static IEnumerable<string> ContentFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(TestFolders.RepositoryRoot, "content", folder), "*.md").Order(StringComparer.Ordinal);

    private static string? NewestReview() => ContentFiles("guide").Select(f => FrontMatter(f, "last_reviewed")).Max(StringComparer.Ordinal);

    private static string? FrontMatter(string file, string key)
    {
        var match = FrontMatterLine().Matches(File.ReadAllText(file)).FirstOrDefault(m => m.Groups[1].Value == key);
        return match?.Groups[2].Value.Trim().Trim('"', '\'');
    }

    [GeneratedRegex(@"(?m)^([a-z_]+):[ \t]*(.+?)\r?$")]
    private static partial Regex FrontMatterLine();
}
