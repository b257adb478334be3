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
    /// <summary>The page's own URL path.</summary>
    public string Path => Kind == PageKind.Guide ? $"/guide/{Slug}" : $"/{Slug}";
}

/// <summary>A link from one page to another page of this site, kept so the checker can find broken ones.</summary>
public sealed record SiteLink(string Target, int Line);
