using System.Collections.Frozen;

namespace RelapseSite.Content;

public enum PageKind
{
    /// <summary>A section of the relapse guide: shown on the home page and at <c>/guide/{slug}</c>.</summary>
    Guide,

    /// <summary>A standalone page at <c>/{slug}</c>, such as the privacy notice.</summary>
    Standalone,
}

/// <summary>A heading inside a page, for the table of contents.</summary>
public sealed record Heading(int Level, string Id, string Text);

/// <summary>A page rendered once at load. Immutable: requests only read it.</summary>
/// <param name="Html">The body as shown on the page's own URL, where the title is the h1.</param>
/// <param name="HomeHtml">
/// The same body one heading level down, for the home page where the title is an h2. Its links to other sections are
/// pointed down the home page when that page is built (<see cref="MarkdownRenderer.PointGuideLinksAtSections"/>).
/// </param>
public sealed record ContentPage(
    PageKind Kind,
    string Slug,
    string Title,
    string Description,
    int Order,
    DateOnly? LastReviewed,
    string? ReviewedBy,
    string Html,
    string HomeHtml,
    IReadOnlyList<Heading> Headings,
    IReadOnlyList<SiteLink> InternalLinks,
    string SourceFile)
{
    /// <summary>Names a page cannot take: they are the site's own routes, or ids the layout already uses.</summary>
    public static readonly FrozenSet<string> ReservedSlugs = new[]
    {
        "contact", "healthz", "sitemap", "sitemap-xml", "robots", "robots-txt", "guide", "error", "errors", "css",
        "favicon", "api", "index", "home", "main", "toc", "crisis", "top", "thanks", "search",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The page's own URL path.</summary>
    public string Path => PathOf(Kind, Slug);

    /// <summary>The address of a page of this kind with this slug.</summary>
    public static string PathOf(PageKind kind, string slug) => kind == PageKind.Guide ? $"/guide/{slug}" : $"/{slug}";

    /// <summary>
    /// A heading's id on its page: its own id after the page's slug and "--". The home page shows every section
    /// together, and ids must stay unique there; no slug can contain "--".
    /// </summary>
    public static string HeadingId(string slug, string? id) => $"{slug}--{id}";

    /// <summary>
    /// The heading id that a link from elsewhere means by "#fragment" on page <paramref name="slug"/>: staff write the
    /// heading as it reads ("what-to-do", "What-To-Do", "cómo-pedir-ayuda", or that escaped with %), which on the page
    /// is "slug--what-to-do"; a fragment already in that form is kept.
    /// </summary>
    public static string HeadingIdFromLink(string slug, string fragment)
    {
        var heading = Uri.UnescapeDataString(fragment).ToLowerInvariant();
        return heading.StartsWith(HeadingId(slug, string.Empty), StringComparison.Ordinal) ? heading : HeadingId(slug, heading);
    }
}

/// <summary>A link (or a picture) from one page to another page or file of this site, kept so the checker can find broken ones.</summary>
public sealed record SiteLink(string Target, int Line, bool IsPicture = false);
