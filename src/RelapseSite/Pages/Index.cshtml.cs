using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RelapseSite.Content;

namespace RelapseSite.Pages;

/// <summary>The whole guide on one page, in order, with a table of contents.</summary>
public sealed class IndexModel(ContentStore store) : PageModel
{
    public ContentSnapshot Snapshot { get; private set; } = ContentSnapshot.Empty;

    /// <summary>Each guide section with its home-page HTML, links between sections pointing down this page.</summary>
    public IReadOnlyList<(ContentPage Page, string Html)> Sections { get; private set; } = [];

    public IActionResult OnGet()
    {
        // Razor Pages also answers "/Index" and "/index/" here; the home page has one address.
        if (Request.Path.Value != "/")
        {
            return RedirectPermanent("/");
        }

        // Built here, once per content version: the page cache keeps the result until the content changes.
        Snapshot = store.Current;
        Sections = [.. Snapshot.Guide.Select(p => (p, MarkdownRenderer.PointGuideLinksAtSections(p.HomeHtml, Snapshot.GuideBySlug)))];
        return Page();
    }
}
