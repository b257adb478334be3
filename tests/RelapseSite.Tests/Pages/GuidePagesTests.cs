using System.Net;
using System.Text.RegularExpressions;

namespace RelapseSite.Tests.Pages;

public sealed partial class GuidePagesTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    public static TheoryData<string> GuideSlugs() => new(Directory
        .EnumerateFiles(Path.Combine(TestFolders.RepositoryRoot, "content", "guide"), "*.md")
        .Select(f => Path.GetFileNameWithoutExtension(f)!)
        .Order());

    [Theory]
    [MemberData(nameof(GuideSlugs))]
    public async Task Every_section_renders_on_the_home_page_and_at_its_own_url(string slug)
    {
        var client = site.CreateVisitor();
        var title = TitleOf(File.ReadAllText(Path.Combine(site.ContentRoot, "guide", slug + ".md")));

        var home = await client.GetStringAsync("/");
        var own = await client.GetAsync($"/guide/{slug}");
        var ownHtml = await own.Content.ReadAsStringAsync();

        Assert.Contains($"<section id=\"{slug}\"", home, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(title), home, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains($"<h1>{WebUtility.HtmlEncode(title)}</h1>", ownHtml, StringComparison.Ordinal);
        Assert.Matches("Last reviewed: <time datetime=\"\\d{4}-\\d{2}-\\d{2}\">", ownHtml);
    }

    [Fact]
    public async Task Sections_appear_on_the_home_page_in_front_matter_order()
    {
        var home = await site.CreateVisitor().GetStringAsync("/");

        var positions = new[] { "introduction", "why-people-relapse", "warning-signs", "contact-us" }
            .Select(slug => home.IndexOf($"<section id=\"{slug}\"", StringComparison.Ordinal))
            .ToList();

        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public async Task Every_table_of_contents_link_points_at_an_anchor_on_the_page()
    {
        var home = await site.CreateVisitor().GetStringAsync("/");
        var toc = TocPattern().Match(home).Value;

        var targets = AnchorLink().Matches(toc).Select(m => m.Groups[1].Value).ToList();

        Assert.True(targets.Count >= 9, $"expected a link per section, found {targets.Count}");
        Assert.All(targets, id => Assert.Contains($"id=\"{id}\"", home, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Heading_ids_are_unique_on_the_home_page()
    {
        var home = await site.CreateVisitor().GetStringAsync("/");

        var ids = IdAttribute().Matches(home).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/guide/warning-signs")]
    [InlineData("/privacy")]
    [InlineData("/contact")]
    [InlineData("/no-such-page")]
    public async Task The_crisis_strip_and_the_center_details_are_on_every_page(string path)
    {
        var html = await (await site.CreateVisitor().GetAsync(path)).Content.ReadAsStringAsync();

        CrisisNumbers.AssertLinked(html);
        Assert.Contains("href=\"tel:+18006624357\"", html, StringComparison.Ordinal);
        Assert.Contains("(855) 425-4846", html, StringComparison.Ordinal);
        Assert.Contains("Pompano Beach", html, StringComparison.Ordinal);
        Assert.Contains("class=\"skip-link\" href=\"#main\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/guide/Warning-Signs", "/guide/warning-signs")]
    [InlineData("/GUIDE/WARNING-SIGNS", "/guide/warning-signs")]
    [InlineData("/Privacy", "/privacy")]
    [InlineData("/guide", "/")]
    [InlineData("/guide/", "/")]
    [InlineData("/guide/warning-signs/", "/guide/warning-signs")]
    [InlineData("/Guide/warning-signs", "/guide/warning-signs")]
    [InlineData("/privacy/", "/privacy")]
    [InlineData("/index", "/")]
    [InlineData("/Index", "/")]
    [InlineData("/Contact", "/contact")]
    [InlineData("/contact/", "/contact")]
    [InlineData("/contact/Thanks?ref=ABCD-EFGH", "/contact/thanks?ref=ABCD-EFGH")]
    public async Task An_address_typed_with_capitals_a_trailing_slash_or_trimmed_to_the_guide_is_sent_to_the_real_page(string typed, string real)
    {
        var client = site.CreateVisitor();
        // The page served once by its real address first, so a cached copy is there to be (wrongly) handed out.
        await client.GetAsync(real);

        var response = await client.GetAsync(typed);
        var landed = await client.GetAsync(response.Headers.Location?.OriginalString);

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(real, response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
    }

    [Theory]
    [InlineData("/guide/Warning-Signz")]
    [InlineData("/Privacy-Notice")]
    public async Task A_capitalised_address_that_matches_no_page_is_still_a_404(string typed)
    {
        var response = await site.CreateVisitor().GetAsync(typed);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_guide_keeps_the_facts_of_the_original_page()
    {
        var home = await site.CreateVisitor().GetStringAsync("/");

        Assert.Contains("nida.nih.gov", home, StringComparison.Ordinal);
        Assert.Matches("40.{1,12}60", home);
        Assert.Contains("samhsa.gov", home, StringComparison.Ordinal);
        Assert.Contains("naloxone", home, StringComparison.OrdinalIgnoreCase);
    }

    private static string TitleOf(string markdown) =>
        TitleLine().Match(markdown).Groups[1].Value.Trim().Trim('"', '\'');

    [GeneratedRegex(@"(?m)^title:\s*(.+)$")]
    private static partial Regex TitleLine();

    [GeneratedRegex("<nav class=\"toc\"[\\s\\S]*?</nav>")]
    private static partial Regex TocPattern();

    [GeneratedRegex("href=\"#([^\"]+)\"")]
    private static partial Regex AnchorLink();

    [GeneratedRegex(" id=\"([^\"]+)\"")]
    private static partial Regex IdAttribute();
}
