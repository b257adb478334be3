using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using RelapseSite.Content;

namespace RelapseSite.Tests.Content;

/// <summary>Staff Markdown is not trusted HTML: every hostile construct must come out inert.</summary>
public sealed class MarkdownRendererTests
{
    private readonly MarkdownRenderer _renderer = new();

    public static TheoryData<string> HostileBodies() => new()
    {
        "<script>alert(1)</script>",
        "Text <script>alert(1)</script> inline",
        "<img src=x onerror=alert(1)>",
        "<div onclick=\"alert(1)\">click</div>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click]( javascript:alert(1))",
        "[click](<java\tscript:alert(1)>)",
        "[click](&#106;avascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](DATA:text/html,<script>alert(1)</script>)",
        "![img](javascript:alert(1))",
        "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "<javascript:alert(1)>",
        "[ref]\n\n[ref]: javascript:alert(1)",
        "<svg onload=alert(1)>",
        "<style>body{display:none}</style>",
        "<form action=\"https://evil.example\"><input></form>",
        "[x](https://ok.example \"title\\\" onmouseover=\\\"alert(1)\")",
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public void Hostile_markdown_is_neutralised(string body)
    {
        var result = _renderer.Render(Page(body), "guide/hostile.md", PageKind.Guide);

        var html = Assert.IsType<ContentPage>(result.Page).Html;

        // Judge the markup as a browser would parse it: escaped text such as "&lt;script&gt;" is harmless.
        var document = new HtmlParser().ParseFragment(html, new HtmlParser().ParseDocument("").Body!);
        var elements = document.SelectMany(n => n is IElement e ? e.DescendantsAndSelf<IElement>() : []).ToList();
        Assert.DoesNotContain(elements, e => e.LocalName is "script" or "iframe" or "div" or "svg" or "style" or "form" or "input" or "object" or "embed");
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        foreach (var url in elements.SelectMany(e => e.Attributes).Where(a => a.Name is "href" or "src").Select(a => a.Value))
        {
            var scheme = new string(url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray()).ToLowerInvariant();
            Assert.False(scheme.StartsWith("javascript:", StringComparison.Ordinal) || scheme.StartsWith("vbscript:", StringComparison.Ordinal) || scheme.StartsWith("data:", StringComparison.Ordinal), $"unsafe URL survived: {url}");
        }
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click](data:text/html,hi)")]
    [InlineData("[click](//evil.example/path)")]
    [InlineData("[NIDA](www.nida.gov)")]
    [InlineData("[signs](guide/warning-signs)")]
    [InlineData("[signs](warning-signs.md)")]
    [InlineData("[x]()")]
    public void Unsafe_links_are_reported_with_the_file_and_line(string body)
    {
        var result = _renderer.Render(Page("Line one.\n\n" + body), "guide/hostile.md", PageKind.Guide);

        var error = Assert.Single(result.Errors);
        Assert.Equal("guide/hostile.md", error.File);
        Assert.Equal(10, error.Line);
        Assert.StartsWith("link ", error.Message, StringComparison.Ordinal);
        Assert.Contains("<a href=\"\">", result.Page!.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_without_https_or_a_leading_slash_says_how_to_write_it()
    {
        // A link to a heading on the same page (#...) is fine and must not be reported with it.
        var result = _renderer.Render(Page("See [NIDA](www.nida.gov) and [below](#more).\n\n## More\n\nText."), "guide/links.md", PageKind.Guide);

        Assert.Equal(
            "guide/links.md:8: link 'www.nida.gov' does not work: write the full https:// address for other sites, for example [NIDA](https://nida.nih.gov), or start a link to a page on this site with /, for example [warning signs](/guide/warning-signs)",
            Assert.Single(result.Errors).ToString());
        Assert.DoesNotContain("www.nida.gov", result.Page!.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#links--more\">", result.Page.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("![A lake](https://images.example/lake.jpg)")]
    [InlineData("![A lake](http://images.example/lake.jpg)")]
    [InlineData("![A lake](//images.example/lake.jpg)")]
    [InlineData("![A lake](images/lake.jpg)")]
    [InlineData("![A lake]()")]
    public void Pictures_from_other_sites_are_reported_and_left_out(string body)
    {
        // The Content-Security-Policy (default-src 'self') would block them anyway.
        var result = _renderer.Render(Page("Line one.\n\nBefore " + body + " after. ![A map](/images/map.png)"), "guide/pictures.md", PageKind.Guide);

        var error = Assert.Single(result.Errors);
        Assert.Equal(10, error.Line);
        Assert.StartsWith("picture ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lake", result.Page!.Html, StringComparison.Ordinal);
        Assert.Contains("Before  after.", result.Page.Html, StringComparison.Ordinal);
        // A picture stored on this site is shown.
        Assert.Contains("<img src=\"/images/map.png\" alt=\"A map\">", result.Page.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[NIDA](https://nida.nih.gov/)", "href=\"https://nida.nih.gov/\"")]
    [InlineData("[call](tel:+18554254846)", "href=\"tel:+18554254846\"")]
    [InlineData("[mail](mailto:intake@example.org)", "href=\"mailto:intake@example.org\"")]
    [InlineData("[text 988](sms:988)", "href=\"sms:988\"")]
    [InlineData("[form](/contact)", "href=\"/contact\"")]
    [InlineData("[section](/guide/warning-signs#top)", "href=\"/guide/warning-signs#top\"")]
    public void Safe_links_survive(string body, string expected)
    {
        var result = _renderer.Render(Page(body), "guide/safe.md", PageKind.Guide);

        Assert.Empty(result.Errors);
        Assert.Contains(expected, result.Page!.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Links_to_other_hosts_get_rel_noopener_and_site_links_do_not()
    {
        var result = _renderer.Render(Page("[NIDA](https://nida.nih.gov/) and [form](/contact)"), "guide/links.md", PageKind.Guide);

        Assert.Contains("<a href=\"https://nida.nih.gov/\" rel=\"noopener noreferrer\">", result.Page!.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/contact\">", result.Page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_html_is_shown_as_text_not_markup()
    {
        var result = _renderer.Render(Page("Before <b>bold</b> after"), "guide/raw.md", PageKind.Guide);

        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", result.Page!.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_home_page_copy_moves_every_heading_down_one_level()
    {
        var result = _renderer.Render(Page("## Step one\n\nText.\n\n### Detail\n\nMore."), "guide/steps.md", PageKind.Guide);

        Assert.Contains("<h2 id=\"steps--step-one\">Step one</h2>", result.Page!.Html, StringComparison.Ordinal);
        Assert.Contains("<h3 id=\"steps--step-one\">Step one</h3>", result.Page.HomeHtml, StringComparison.Ordinal);
        Assert.Contains("<h4 id=\"steps--detail\">Detail</h4>", result.Page.HomeHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_heading_id_cannot_be_the_id_of_another_section()
    {
        // On the home page the section "overdose-risk" is <section id="overdose-risk">; the heading "Risk" in the
        // section "overdose" must not get that id too, or the table of contents jumps to the wrong place.
        var overdose = _renderer.Render(Page("## Risk\n\nText."), "guide/overdose.md", PageKind.Guide);

        Assert.Contains("<h2 id=\"overdose--risk\">Risk</h2>", overdose.Page!.Html, StringComparison.Ordinal);
        Assert.Equal("overdose--risk", Assert.Single(overdose.Page.Headings).Id);
        Assert.DoesNotContain("id=\"overdose-risk\"", overdose.Page.HomeHtml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("title: [unclosed\ndescription: x", 2)]
    [InlineData("title: Fine\ndescription: Fine\nlast_reviewed: next week", 4)]
    [InlineData("title: Fine\ndescription: Fine\ntittle: typo", 4)]
    public void Bad_front_matter_names_the_line(string yaml, int line)
    {
        var result = _renderer.Render($"---\n{yaml}\n---\nBody.\n", "guide/bad.md", PageKind.Guide);

        Assert.Null(result.Page);
        var error = Assert.Single(result.Errors);
        Assert.Equal(line, error.Line);
        Assert.StartsWith($"guide/bad.md:{line}: front matter:", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("title: One\ndescription: Fine\ntitle: Two", 4, "'title' is written twice; keep one")]
    [InlineData("title: Fine\ndescription: Fine\norder: ten", 4, "'order' must be a whole number, for example 35 ('ten' is not)")]
    [InlineData("title: Fine\ndescription: Fine\norder: 1.5", 4, "'order' must be a whole number, for example 35 ('1.5' is not)")]
    [InlineData("title: Fine\ndescription: We are the #1 choice", 3,
        "'description' has ' #' in it: everything after ' #' is treated as a hidden note and left out. If the # is part of the text, put the whole value in double quotes, for example description: \"We are the #1 choice\"; if it is a note, delete it")]
    [InlineData("title: Fine\ndescription: We are here\n  for you, the #1 choice", 3,
        "'description' has ' #' in it: everything after ' #' is treated as a hidden note and left out. If the # is part of the text, put the whole value in double quotes, for example description: \"We are here\"; if it is a note, delete it")]
    [InlineData("title: Phase 1: A trigger\ndescription: Fine", 2, "'title' has ': ' in it; put the whole value in double quotes, for example title: \"Phase 1: A trigger\"")]
    [InlineData("title: Fine\ndescription: Fine\nreviewed_by: Team:", 4, "'reviewed_by' has ': ' in it; put the whole value in double quotes, for example reviewed_by: \"Team:\"")]
    [InlineData("title: *Important* news\ndescription: Fine", 2, "'title' starts with '*', so the whole value must be in double quotes, for example title: \"*Important* news\"")]
    [InlineData("title: Fine\ndescription: > Read this", 3, "'description' starts with '>', so the whole value must be in double quotes, for example description: \"> Read this\"")]
    [InlineData("title: [Draft] Signs\ndescription: Fine", 2, "'title' starts with '[', so the whole value must be in double quotes, for example title: \"[Draft] Signs\"")]
    [InlineData("title:\n  - Warning\n  - Signs\ndescription: Fine", 2, "'title' must be one line of text, for example title: Warning signs of relapse")]
    [InlineData("title: Fine\ndescription:\n  text: here", 3,
        "'description' must be one line of text, for example description: Learn the early warning signs, so you can act sooner.")]
    [InlineData("title: Fine\ndescription: Fine\norder:\n  - 1", 4, "'order' must be a whole number, for example 35")]
    [InlineData("title: Fine\ndescription: Fine\nlast_reviewed: soon", 4, "'last_reviewed' must be a date written as YYYY-MM-DD, for example 2026-11-26 ('soon' is not)")]
    [InlineData("title:Warning signs\ndescription: Fine", 2, "'title' needs a space after the colon, for example title: Warning signs of relapse")]
    [InlineData("title: Fine\n description: Fine", 3, "remove the spaces before 'description': each setting starts at the beginning of its line")]
    [InlineData("title: Fine\ndescription: Fine\n\torder: 5", 4, "remove the spaces before 'order': each setting starts at the beginning of its line")]
    [InlineData("title: 'Don't panic'\ndescription: Fine", 2,
        "'title' has an apostrophe (') inside single quotes, which ends the value too early; put the value in double quotes instead, for example title: \"Don't panic\"")]
    [InlineData("title: Fine\ndescription: 'It's OK to ask for help'\norder: 10", 3,
        "'description' has an apostrophe (') inside single quotes, which ends the value too early; put the value in double quotes instead, for example description: \"It's OK to ask for help\"")]
    public void Front_matter_mistakes_are_explained_in_plain_words_on_the_line_of_the_field(string yaml, int line, string message)
    {
        var result = _renderer.Render($"---\n{yaml}\n---\nBody.\n", "guide/bad.md", PageKind.Guide);

        Assert.Null(result.Page);
        Assert.Equal($"guide/bad.md:{line}: front matter: {message}", Assert.Single(result.Errors).ToString());
    }

    // Copied from Word, Outlook or a web page (or typed with Option+Space on a Mac), the space after the colon is often
    // a non-breaking one. YAML then takes the line for part of the one above, and blamed that line.
    [Theory]
    [InlineData("title:\u00A0Nbsp title\ndescription: Fine\norder: 1", 2, "there is an invisible special space after 'title:'; delete it and type a normal space")]
    [InlineData("title: Fine\ndescription:\u00A0Fine\norder: 1", 3, "there is an invisible special space after 'description:'; delete it and type a normal space")]
    [InlineData("title: Fine\ndescription:\u00A0Fine", 3, "there is an invisible special space after 'description:'; delete it and type a normal space")]
    [InlineData("title: Fine\ndescription: Fine\norder:\u00A02", 4, "there is an invisible special space after 'order:'; delete it and type a normal space")]
    [InlineData("title: Fine\ndescription: Fine\nlast_reviewed:\u00A02026-11-26", 4, "there is an invisible special space after 'last_reviewed:'; delete it and type a normal space")]
    [InlineData("reviewed_by:\u00A0Team\ntitle: Fine\ndescription: Fine", 2, "there is an invisible special space after 'reviewed_by:'; delete it and type a normal space")]
    [InlineData("title:\u2007Figure space\ndescription: Fine", 2, "there is an invisible special space after 'title:'; delete it and type a normal space")]
    [InlineData("title:\u202FNarrow space\ndescription: Fine", 2, "there is an invisible special space after 'title:'; delete it and type a normal space")]
    [InlineData("title:\u200B Zero width\ndescription: Fine", 2, "there is an invisible special space after 'title:'; delete it and type a normal space")]
    [InlineData("title\u00A0: Before the colon\ndescription: Fine", 2, "there is an invisible special space between 'title' and the colon; delete it")]
    [InlineData("\u00A0title: Fine\ndescription: Fine", 2, "there is an invisible special space before 'title'; delete it, so the line starts with title:")]
    [InlineData("title: Fine\n\u200Bdescription: Fine", 3, "there is an invisible special space before 'description'; delete it, so the line starts with description:")]
    [InlineData("title: Fine\ndescription: Fine\norder: 7\u00A0", 4, "'order' has an invisible special space beside '7'; delete it")]
    [InlineData("title: Fine\ndescription: Fine\nlast_reviewed: 2026-11-26\u00A0", 4, "'last_reviewed' has an invisible special space beside '2026-11-26'; delete it")]
    public void An_invisible_special_space_is_reported_on_its_own_line(string yaml, int line, string message)
    {
        var result = _renderer.Render($"---\n{yaml}\n---\nBody.\n", "guide/n1.md", PageKind.Guide);

        Assert.Null(result.Page);
        Assert.Equal($"guide/n1.md:{line}: front matter: {message}", Assert.Single(result.Errors).ToString());
    }

    // A tab is invisible too; YAML's "found a tab character that violate indentation" was blamed on the setting above.
    [Theory]
    [InlineData("title: Fine\n\t\ndescription: Fine", 3, "this line looks empty but has a tab on it; delete the tab")]
    [InlineData("title: Fine\ndescription: Fine\norder: 1\n\t", 5, "this line looks empty but has a tab on it; delete the tab")]
    [InlineData("title: Fine\ndescription: >\n  Learn the signs,\n\t\n  so you can act.", 5, "this line looks empty but has a tab on it; delete the tab")]
    [InlineData("title: Fine\ndescription: >\n\tLearn the signs.", 4, "this line starts with a tab; use spaces instead of the tab")]
    public void A_stray_tab_is_reported_on_its_own_line(string yaml, int line, string message)
    {
        var result = _renderer.Render($"---\n{yaml}\n---\nBody.\n", "guide/tab.md", PageKind.Guide);

        Assert.Null(result.Page);
        Assert.Equal($"guide/tab.md:{line}: front matter: {message}", Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("description: >\n  Learn the early signs,\n  so you can act sooner.\norder: 10", "Learn the early signs, so you can act sooner.")]
    [InlineData("description: >-\n  Learn the early signs.\norder: 10", "Learn the early signs.")]
    [InlineData("description: |\n  Learn the early signs.\norder: 10", "Learn the early signs.")]
    [InlineData("description: Fine\norder: 10 # first", "Fine")]
    [InlineData("description: Fine\norder: 10\nlast_reviewed: 2026-11-26 # checked by the team", "Fine")]
    [InlineData("description: \"We are the #1 choice: here for you\"\norder: 10", "We are the #1 choice: here for you")]
    [InlineData("description: 'It''s fine'\norder: 10", "It's fine")]
    [InlineData("description: \"It's fine\"\norder: 10", "It's fine")]
    [InlineData("description: 'Learn the signs\n  so you can act'\norder: 10", "Learn the signs so you can act")]
    [InlineData("description:\tFine\norder: 10", "Fine")]
    [InlineData("description: Step\u00A01 comes first\norder: 10", "Step\u00A01 comes first")]
    [InlineData("description: Fine\norder: 10\n \t", "Fine")]
    public void Correct_yaml_a_staff_member_may_write_is_accepted(string yaml, string description)
    {
        // A value over indented lines after '>' or '|', and a note after a number or a date, are correct YAML.
        var result = _renderer.Render($"---\ntitle: Fine\n{yaml}\n---\nBody.\n", "guide/fine.md", PageKind.Guide);

        Assert.Empty(result.Errors);
        Assert.Equal(description, result.Page!.Description);
        Assert.Equal(10, result.Page.Order);
    }

    [Fact]
    public void A_link_to_a_heading_as_staff_write_it_points_at_that_headings_id_and_a_wrong_one_is_reported()
    {
        var result = _renderer.Render(
            "---\ntitle: Fine\ndescription: Fine\norder: 10\n---\nSee [what to do](#what-to-do) and [nothing](#no-such-heading).\n\n## What to do\n\nCall us.\n",
            "guide/steps.md", PageKind.Guide);

        var page = Assert.IsType<ContentPage>(result.Page);
        Assert.Contains("href=\"#steps--what-to-do\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"steps--what-to-do\"", page.Html, StringComparison.Ordinal);
        Assert.StartsWith("guide/steps.md:6: link '#no-such-heading' goes to no heading on this page", Assert.Single(result.Errors).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order: 010", 10)]
    [InlineData("order: 08", 8)]
    public void Order_is_read_as_a_plain_decimal_number(string order, int expected)
    {
        // YAML's own rules read 010 as octal 8 and reject 08.
        var result = _renderer.Render($"---\ntitle: Fine\ndescription: Fine\n{order}\n---\nBody.\n", "guide/order.md", PageKind.Guide);

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Page!.Order);
    }

    [Fact]
    public void A_value_cut_short_by_a_hash_is_reported_and_the_same_value_in_double_quotes_is_kept_whole()
    {
        // Unquoted, YAML drops " #1 choice" as a comment without a word.
        var cut = _renderer.Render("---\ntitle: Fine\ndescription: We are the #1 choice\n---\nBody.\n", "guide/hash.md", PageKind.Guide);
        var quoted = _renderer.Render("---\ntitle: \"Phase 1: A trigger\"\ndescription: \"We are the #1 choice\" # a real note\norder: 10\n---\nBody.\n", "guide/hash.md", PageKind.Guide);

        Assert.Null(cut.Page);
        Assert.Contains("hidden note", Assert.Single(cut.Errors).Message, StringComparison.Ordinal);
        Assert.Empty(quoted.Errors);
        Assert.Equal("Phase 1: A trigger", quoted.Page!.Title);
        Assert.Equal("We are the #1 choice", quoted.Page.Description);
    }

    [Fact]
    public void Front_matter_without_its_closing_line_says_so()
    {
        var result = _renderer.Render("---\ntitle: Fine\ndescription: Fine\n\nBody text.\n", "guide/open.md", PageKind.Guide);

        Assert.Null(result.Page);
        Assert.Equal(
            "guide/open.md:1: the front matter starts with '---' on line 1 but has no closing '---' line; add one after the last setting",
            Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("A relapse rarely comes out of nowhere.\n\n## Phase 1: A trigger\n\nText.\n\n---\n\nMore text.\n", 6)]
    [InlineData("\nA relapse rarely comes out of nowhere.\n\n---\n\nMore text.\n", 7)]
    [InlineData("\nA relapse: it rarely comes out of nowhere.\n\n---\n", 7)]
    [InlineData("\n## Phase 1\n\n- a trigger\n- a craving\n\n---\n", 9)]
    public void Front_matter_without_its_closing_line_says_so_when_the_text_has_a_dividing_line(string body, int line)
    {
        // The '---' divider lower down is taken for the end of the front matter, so the page text above it was read
        // as settings, and the last correct setting was blamed.
        var result = _renderer.Render("---\ntitle: Why people relapse\ndescription: Fine\norder: 20\nlast_reviewed: 2026-11-26\n" + body, "guide/open.md", PageKind.Guide);

        Assert.Null(result.Page);
        Assert.Equal(
            $"guide/open.md:{line}: the front matter starts with '---' on line 1 but probably has no closing '---' line: this line looks like page text, not a setting; add a '---' line after the last setting (line 5)",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void A_wrong_slug_setting_is_reported_on_its_line_with_an_example()
    {
        var result = _renderer.Render("---\ntitle: Fine\ndescription: Fine\nslug: Señales de Alerta\norder: 10\n---\nBody.\n", "guide/signs.md", PageKind.Guide);

        Assert.Null(result.Page);
        Assert.Equal(
            "guide/signs.md:4: front matter: slug 'Señales de Alerta' may use only small letters a to z (no accents), digits and single hyphens, for example slug: senales-de-alerta",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void A_file_without_front_matter_is_rejected_with_advice()
    {
        var result = _renderer.Render("Just text.", "guide/plain.md", PageKind.Guide);

        Assert.Null(result.Page);
        Assert.Contains("must start with front matter", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    private static string Page(string body) =>
        $"---\ntitle: Test page\ndescription: A page for tests.\norder: 10\nlast_reviewed: 2026-11-01\n---\n\n{body}\n";
}
