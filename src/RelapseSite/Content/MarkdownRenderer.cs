using System.Net;
using System.Text.RegularExpressions;
using Ganss.Xss;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace RelapseSite.Content;

/// <summary>
/// Turns one Markdown file into a <see cref="ContentPage"/>. The pipeline and the sanitizer are built once and are
/// safe to share across threads. Staff content is not trusted HTML: raw HTML is disabled in Markdig, and the output
/// still goes through HtmlSanitizer with an allow-list of URL schemes, because Markdig alone happily renders a
/// <c>javascript:</c> link.
/// </summary>
public sealed partial class MarkdownRenderer
{
    // sms: is allowed on purpose. "Text 988" must open a text, not the dialer, for a person who cannot speak safely; the
    // crisis strip and the contact form link sms:988 for the same reason. Like tel:, it only opens the phone's own app.
    private static readonly string[] SafeSchemes = ["http", "https", "mailto", "tel", "sms"];

    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UseAutoIdentifiers(Markdig.Extensions.AutoIdentifiers.AutoIdentifierOptions.GitHub)
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseListExtras()
        .DisableHtml()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public RenderResult Render(string markdown, string file, PageKind kind)
    {
        var errors = new List<ContentError>();
        var document = Markdown.Parse(markdown, _pipeline);

        var frontMatter = ReadFrontMatter(document, markdown, file, errors);
        if (frontMatter is null)
        {
            return new RenderResult(null, errors);
        }

        var slug = frontMatter.Slug?.Trim() ?? SlugFromFileName(file);
        var title = frontMatter.Title?.Trim();
        var description = frontMatter.Description?.Trim();
        var fmLine = FrontMatterLine(document);
        if (string.IsNullOrEmpty(title))
        {
            errors.Add(new ContentError(file, fmLine, "front matter: 'title' is required"));
        }

        if (string.IsNullOrEmpty(description))
        {
            errors.Add(new ContentError(file, fmLine, "front matter: 'description' is required (one or two sentences for search results)"));
        }

        if (!SlugPattern().IsMatch(slug))
        {
            errors.Add(frontMatter.Slug is null ? AddressMistakes.FileName(file) : AddressMistakes.SlugSetting(file, SlugLine(document), slug));
        }

        if (errors.Count > 0)
        {
            return new RenderResult(null, errors);
        }

        // Heading ids are prefixed with the slug: the home page shows every section together, and ids must stay unique
        // there. The separator is "--", which no slug can contain: with a single "-", the heading "Risk" in section
        // "overdose" got the id "overdose-risk", the same as the <section> of the page "overdose-risk", and took over
        // its table-of-contents link.
        var headings = new List<Heading>();
        foreach (var heading in document.Descendants<HeadingBlock>())
        {
            var attributes = heading.GetAttributes();
            attributes.Id = ContentPage.HeadingId(slug, attributes.Id);
            headings.Add(new Heading(heading.Level, attributes.Id, PlainText(heading.Inline)));
        }

        if (kind == PageKind.Guide && frontMatter.Order is null)
        {
            errors.Add(new ContentError(file, fmLine,
                "front matter: 'order' is missing, so this section is shown after all the others; add one, for example order: 35"));
        }

        CheckText(document, file, errors);
        var links = CheckLinks(document, file, slug, headings, errors);
        var html = _sanitizer.Sanitize(RenderHtml(document));

        var page = new ContentPage(
            kind,
            slug,
            title!,
            description!,
            frontMatter.Order ?? int.MaxValue,
            frontMatter.LastReviewed,
            string.IsNullOrWhiteSpace(frontMatter.ReviewedBy) ? null : frontMatter.ReviewedBy.Trim(),
            html,
            ShiftHeadings(html),
            headings,
            links,
            file);
        return new RenderResult(page, errors);
    }

    /// <summary>The slug a file gets when its front matter names none: its name, less a leading "NN-" ordering prefix.</summary>
    public static string SlugFromFileName(string file)
    {
        var name = Path.GetFileNameWithoutExtension(file).ToLowerInvariant();
        return OrderPrefix().Replace(name, string.Empty);
    }

    /// <summary>The line of the 'slug:' setting, where staff set the address by hand.</summary>
    private static int SlugLine(MarkdownDocument document)
    {
        var block = document.Descendants<YamlFrontMatterBlock>().First();
        var setting = FrontMatterMistakes.KeyLines(block.Lines.ToString()).LastOrDefault(k => k.Name == "slug");
        return setting is null ? block.Line + 1 : block.Line + 2 + setting.Index;
    }

    private static FrontMatter? ReadFrontMatter(MarkdownDocument document, string markdown, string file, List<ContentError> errors)
    {
        var block = document.Descendants<YamlFrontMatterBlock>().FirstOrDefault();
        if (block is null && IsUnclosedFrontMatter(markdown))
        {
            // Telling this file to "start with front matter" would send the writer looking for the wrong mistake.
            errors.Add(new ContentError(file, 1, "the front matter starts with '---' on line 1 but has no closing '---' line; add one after the last setting"));
            return null;
        }

        if (block is null)
        {
            errors.Add(new ContentError(file, 1, "the file must start with front matter: a line '---', then 'title:' and 'description:', then '---'"));
            return null;
        }

        // The block's lines exclude the '---' fences; Markdig lines are 0-based, so the YAML starts at Line + 2.
        var (value, error) = FrontMatter.Parse(block.Lines.ToString(), file, block.Line + 2);
        if (error is not null)
        {
            errors.Add(error);
        }

        return value;
    }

    /// <summary>
    /// The first line is '---' (front matter opened) and no later line is '---' or '...' (never closed). When a later
    /// line is one, a divider in the text, it closes the front matter instead; <see cref="FrontMatter.Parse"/> then
    /// finds page text among the settings and says the same.
    /// </summary>
    private static bool IsUnclosedFrontMatter(string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd()).ToList();
        return lines[0] == "---" && !lines.Skip(1).Any(l => l is "---" or "...");
    }

    private static int FrontMatterLine(MarkdownDocument document) =>
        (document.Descendants<YamlFrontMatterBlock>().FirstOrDefault()?.Line ?? 0) + 1;

    private static List<SiteLink> CheckLinks(MarkdownDocument document, string file, string slug, List<Heading> headings, List<ContentError> errors)
    {
        var internalLinks = new List<SiteLink>();
        // A copy: images are removed from the document on the way.
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            var url = (link.Url ?? string.Empty).Trim();
            var line = link.Line + 1;
            var scheme = SchemeOf(url);
            if (link.IsImage && (!url.StartsWith('/') || url.StartsWith("//", StringComparison.Ordinal)))
            {
                // The Content-Security-Policy is default-src 'self': a picture from another site would never show,
                // and asking for it would tell that site who reads this page. Left out rather than shown broken.
                errors.Add(new ContentError(file, line,
                    $"picture '{Shorten(url)}' is left out: the site shows only pictures stored on this site, so the address must start with /, for example ![A calm lake](/images/lake.jpg)"));
                link.Remove();
            }
            else if (scheme is not null)
            {
                if (!SafeSchemes.Contains(scheme))
                {
                    errors.Add(new ContentError(file, line, $"link '{Shorten(url)}' is not allowed; links must start with https://, http://, mailto:, tel:, sms: or /"));
                    link.Url = string.Empty;
                }
                else if (scheme is "http" or "https" && !link.IsImage)
                {
                    // Links that leave the site must not hand the new page a handle on ours.
                    link.GetAttributes().AddProperty("rel", "noopener noreferrer");
                }
            }
            else if (url.StartsWith("//", StringComparison.Ordinal))
            {
                errors.Add(new ContentError(file, line, $"link '{Shorten(url)}' has no scheme; write the full https:// address"));
                link.Url = string.Empty;
            }
            else if (url.StartsWith('/'))
            {
                internalLinks.Add(new SiteLink(url, line, link.IsImage));

                // "/guide/x#what-to-do" names the heading as staff write it; on x's page its id is "x--what-to-do".
                // The same for a standalone page ("/privacy#..."), but not the site's own pages ("/contact#name").
                // "#top" and "#main" are the page's own top and main content, on every page.
                if (PageLinkWithHeading().Match(url) is { Success: true } match
                    && match.Groups["fragment"].Value is not ("top" or "main") and var fragment
                    && (match.Groups["guide"].Success || !ContentPage.ReservedSlugs.Contains(match.Groups["slug"].Value)))
                {
                    var target = match.Groups["slug"].Value;
                    link.Url = $"{match.Groups["path"].Value}#{ContentPage.HeadingIdFromLink(target, fragment)}";
                }
            }
            else if (url.StartsWith('#'))
            {
                // Staff write "#what-to-do", as the heading reads; its id here carries the page's slug, which they cannot
                // know. Pointed at that heading, the link works on the section's page and on the home page alike.
                var target = url[1..];
                var id = ContentPage.HeadingId(slug, target);
                if (headings.Any(h => h.Id == id))
                {
                    link.Url = "#" + id;
                }
                else if (target.Length > 0 && target != "main" && !headings.Any(h => h.Id == target))
                {
                    errors.Add(new ContentError(file, line, $"link '{Shorten(url)}' goes to no heading on this page; after the #, write the heading in small letters with hyphens, for example [what to do](#what-to-do)"));
                }
            }
            else
            {
                // "www.nida.gov" or "guide/warning-signs" is taken by the browser as relative to the current page and
                // ends in "not found"; an empty address goes nowhere.
                var what = url.Length == 0 ? "link has no address" : $"link '{Shorten(url)}' does not work";
                errors.Add(new ContentError(file, line,
                    $"{what}: write the full https:// address for other sites, for example [NIDA](https://nida.nih.gov), or start a link to a page on this site with /, for example [warning signs](/guide/warning-signs)"));
                link.Url = string.Empty;
            }
        }

        return internalLinks;
    }

    /// <summary>
    /// Writing that renders, but not as the writer meant: a top heading beside the page title, and HTML tags, which the
    /// site shows as literal text (raw HTML is off, for safety).
    /// </summary>
    private static void CheckText(MarkdownDocument document, string file, List<ContentError> errors)
    {
        foreach (var block in document.Descendants<LeafBlock>())
        {
            if (block is HeadingBlock { Level: 1 })
            {
                errors.Add(new ContentError(file, block.Line + 1, "a top heading ('# ...'): use ## for sections; the page title is the only top heading"));
            }

            if (block.Inline is null)
            {
                continue;
            }

            // Markdig splits text at '<', so the tag is looked for in the block's text joined up, then traced back to its line.
            var pieces = block.Inline.Descendants<LiteralInline>().ToList();
            var text = string.Concat(pieces.Select(p => p.Content.ToString()));
            if (HtmlTag().Match(text) is { Success: true } tag)
            {
                var offset = 0;
                var line = block.Line;
                foreach (var piece in pieces)
                {
                    line = piece.Line;
                    offset += piece.Content.Length;
                    if (offset > tag.Index)
                    {
                        break;
                    }
                }

                errors.Add(new ContentError(file, line + 1,
                    $"'{Shorten(tag.Value)}' looks like HTML, which the site shows as plain text; use Markdown instead, for example **bold** for bold text or ## for a heading"));
            }
        }
    }

    private string RenderHtml(MarkdownDocument document)
    {
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        _pipeline.Setup(renderer);
        renderer.Render(document);
        return writer.ToString();
    }

    // Safe as plain text substitution: the input is sanitized output in which raw HTML from staff was already escaped.
    private static string ShiftHeadings(string html) =>
        HeadingTag().Replace(html, m => $"<{m.Groups[1].Value}h{int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) + 1}");

    /// <summary>
    /// A section's home-page HTML with its links to other guide sections pointed at those sections further down the
    /// same page. Staff write <c>/guide/warning-signs</c>, which is right on the section's own page; on the home page,
    /// which holds the whole guide, following it would load a page the reader already has, a wait on a slow phone and a
    /// lost place. A link to a heading (<c>/guide/x#what-to-do</c>) goes to that heading, or to the section when no
    /// heading has that name. A link to a page that is not a section here is left alone: it still goes to the "not
    /// found" page, and staff are warned about it.
    /// </summary>
    public static string PointGuideLinksAtSections(string homeHtml, IReadOnlyDictionary<string, ContentPage> guideBySlug) =>
        // Safe as plain text substitution, for the reason given at ShiftHeadings: in sanitized output a '<' in text is
        // always written "&lt;", so "<a href=" can only open a real link, and Markdig writes href first.
        GuideLink().Replace(homeHtml, m =>
        {
            if (!guideBySlug.TryGetValue(m.Groups["slug"].Value, out var target))
            {
                return m.Value;
            }

            // The heading's id, as CheckLinks wrote it (escaped with % on the way out, when it has accents).
            var fragment = WebUtility.HtmlDecode(m.Groups["fragment"].Value);
            var id = fragment.Length > 0 ? ContentPage.HeadingIdFromLink(target.Slug, fragment) : null;
            var anchor = id is not null && target.Headings.Any(h => h.Id == id) ? Uri.EscapeDataString(id) : target.Slug;
            return $"<a href=\"#{anchor}\"";
        });

    private static string? SchemeOf(string url)
    {
        // Browsers ignore tabs, newlines and leading spaces inside a scheme ("java\tscript:"), so the check must too.
        var match = SchemePattern().Match(Invisible().Replace(url, string.Empty));
        return match.Success ? match.Groups[1].Value.ToLowerInvariant() : null;
    }

    private static string Shorten(string url) => url.Length <= 40 ? url : url[..40] + "…";

    private static string PlainText(ContainerInline? inline)
    {
        if (inline is null)
        {
            return string.Empty;
        }

        var text = new System.Text.StringBuilder();
        foreach (var child in inline.Descendants<LiteralInline>())
        {
            text.Append(child.Content);
        }

        foreach (var code in inline.Descendants<CodeInline>())
        {
            text.Append(code.Content);
        }

        return text.ToString().Trim();
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        foreach (var scheme in SafeSchemes)
        {
            sanitizer.AllowedSchemes.Add(scheme);
        }

        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedAttributes.Add("rel");
        sanitizer.AllowDataAttributes = false;
        return sanitizer;
    }

    // Only real tag names: "press <Enter>" or "type <your name>" is plain writing and shows as written.
    [GeneratedRegex(@"<!--|</?(?:a|abbr|b|blockquote|br|center|code|del|div|em|font|h[1-6]|hr|i|iframe|img|ins|li|mark|ol|p|pre|s|script|small|span|strike|strong|style|sub|sup|table|tbody|td|th|thead|tr|u|ul)(?:\s[^<>]*)?/?>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.\-]*):")]
    private static partial Regex SchemePattern();

    [GeneratedRegex(@"[\s\x00-\x1f]")]
    private static partial Regex Invisible();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^\d+-")]
    private static partial Regex OrderPrefix();

    [GeneratedRegex(@"<(/?)h([1-5])\b")]
    private static partial Regex HeadingTag();

    [GeneratedRegex("^(?<path>/(?<guide>guide/)?(?<slug>[a-z0-9]+(?:-[a-z0-9]+)*))/?#(?<fragment>[^#?/]+)$")]
    private static partial Regex PageLinkWithHeading();

    [GeneratedRegex("<a href=\"/guide/(?<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?:#(?<fragment>[^\"]*))?\"")]
    private static partial Regex GuideLink();
}

/// <summary>The page, when the file is good enough to serve, and every problem found in it.</summary>
public sealed record RenderResult(ContentPage? Page, IReadOnlyList<ContentError> Errors);
