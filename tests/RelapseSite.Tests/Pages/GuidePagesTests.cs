using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using RelapseSite.Content;

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

    /// <summary>
    /// A person who cannot speak safely reads "text 988" and taps it: the tap must open a text to 988, not the dialer.
    /// These pages offer 988 in their own text, as the crisis strip does on every page.
    /// </summary>
    [Theory]
    [InlineData("/guide/contact-us")]
    [InlineData("/privacy")]
    [InlineData("/")]
    public async Task Where_the_text_offers_988_it_links_both_a_call_and_a_text(string path)
    {
        var html = await site.CreateVisitor().GetStringAsync(path);

        var main = html[html.IndexOf("<main", StringComparison.Ordinal)..html.IndexOf("</main>", StringComparison.Ordinal)];

        Assert.Contains("<a href=\"tel:988\">988</a>", main, StringComparison.Ordinal);
        Assert.Contains("<a href=\"sms:988\">text 988</a>", main, StringComparison.Ordinal);
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

    [Fact]
    public async Task On_the_home_page_a_link_to_another_section_goes_down_the_page_and_on_a_section_page_to_that_page()
    {
        var client = site.CreateVisitor();

        var home = await client.GetStringAsync("/");
        var introduction = SectionOf(home, "introduction");
        var ownPage = await client.GetStringAsync("/guide/introduction");

        // The introduction's "What this guide covers" list links every other section.
        Assert.Contains("<a href=\"#warning-signs\">", introduction, StringComparison.Ordinal);
        Assert.Contains("id=\"warning-signs\"", home, StringComparison.Ordinal);
        Assert.DoesNotContain("<a href=\"/guide/", introduction[..introduction.IndexOf("<p class=\"section-link\">", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Contains("<a href=\"/guide/warning-signs\">", ownPage, StringComparison.Ordinal);

        // Each section's "Share this section" link still goes to its own page.
        Assert.Contains("<a href=\"/guide/introduction\">Share this section", introduction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_to_a_heading_of_another_page_goes_to_that_heading_on_both_pages_and_a_broken_or_quoted_link_is_left_alone()
    {
        using var custom = new SiteFactory();
        custom.WriteContent("guide/acentos.md", """
            ---
            title: En español
            description: A section with a heading in Spanish.
            order: 96
            ---
            ## Cómo pedir ayuda

            Llámenos.
            """);
        custom.WriteContent("guide/links.md", """
            ---
            title: Links between sections
            description: A section that links to others.
            order: 95
            ---
            See [the triggers](/guide/warning-signs#triggers-from-people-or-from-within), the same by its id
            [here](/guide/warning-signs#warning-signs--pulling-away-from-support), [in capitals](/guide/warning-signs#Big-Changes-In-Your-Life),
            [with a slash](/guide/warning-signs/#signs-in-someone-you-love), [in Spanish](/guide/acentos#cómo-pedir-ayuda),
            [a heading that is not there](/guide/warning-signs#no-such-heading), [a section that is not there](/guide/no-such-section),
            [privacy](/privacy), [where details go](/privacy#where-your-details-go) and [the form's name box](/contact#name).

            Code is shown as written: `<a href="/guide/warning-signs">`.
            """);

        var client = custom.CreateVisitor();
        var home = await client.GetStringAsync("/");
        var section = SectionOf(home, "links");
        var ownPage = await client.GetStringAsync("/guide/links");
        var warnings = custom.Services.GetRequiredService<ContentStore>().Current.Warnings.Select(w => w.ToString()).ToList();

        // On the home page, each goes down the page to the heading, or to the section when it has no such heading.
        Assert.Contains("<a href=\"#warning-signs--triggers-from-people-or-from-within\">the triggers</a>", section, StringComparison.Ordinal);
        Assert.Contains("id=\"warning-signs--triggers-from-people-or-from-within\"", home, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#warning-signs--pulling-away-from-support\">here</a>", section, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#warning-signs--big-changes-in-your-life\">in capitals</a>", section, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#warning-signs--signs-in-someone-you-love\">with a slash</a>", section, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#acentos--c%C3%B3mo-pedir-ayuda\">in Spanish</a>", section, StringComparison.Ordinal);
        Assert.Contains("id=\"acentos--cómo-pedir-ayuda\"", home, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#warning-signs\">a heading that is not there</a>", section, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/guide/no-such-section\">a section that is not there</a>", section, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/privacy\">privacy</a>", section, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/privacy#privacy--where-your-details-go\">where details go</a>", section, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/contact#name\">the form's name box</a>", section, StringComparison.Ordinal);
        Assert.Contains("<code>&lt;a href=\"/guide/warning-signs\"&gt;</code>", section, StringComparison.Ordinal);

        // On the section's own page, a heading link goes to the heading's id on the other page.
        Assert.Contains("<a href=\"/guide/warning-signs#warning-signs--triggers-from-people-or-from-within\">the triggers</a>", ownPage, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/guide/warning-signs#warning-signs--pulling-away-from-support\">here</a>", ownPage, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/guide/warning-signs#warning-signs--signs-in-someone-you-love\">with a slash</a>", ownPage, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/guide/acentos#acentos--c%C3%B3mo-pedir-ayuda\">in Spanish</a>", ownPage, StringComparison.Ordinal);
        Assert.Contains("id=\"privacy--where-your-details-go\"", await client.GetStringAsync("/privacy"), StringComparison.Ordinal);

        // Staff hear about the heading that is not there and the page that is not there, and about nothing else.
        Assert.Equal(
            [
                "guide/links.md:9: link to '/guide/warning-signs#no-such-heading' goes to no heading on that page; after the #, write one of its headings in small letters with hyphens, for example #what-to-do for the heading 'What to do'",
                "guide/links.md:9: link to '/guide/no-such-section' goes to a page that does not exist",
            ],
            warnings.Where(w => w.StartsWith("guide/links.md", StringComparison.Ordinal)));
    }

    /// <summary>One guide section of the home page, from its &lt;section&gt; tag to the next.</summary>
    private static string SectionOf(string home, string slug)
    {
        var start = home.IndexOf($"<section id=\"{slug}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{slug}' on the home page");
        var end = home.IndexOf("</section>", start, StringComparison.Ordinal);
        return home[start..end];
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
