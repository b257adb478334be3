using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RelapseSite.Content;

namespace RelapseSite.Pages.Guide;

/// <summary>One guide section at its own URL, for sharing, with links to its neighbours.</summary>
public sealed class SectionModel(ContentStore store) : PageModel
{
    public ContentPage Section { get; private set; } = null!;

    public ContentPage? Previous { get; private set; }

    public ContentPage? Next { get; private set; }

    public IActionResult OnGet(string? slug)
    {
        // "/guide" on its own, as someone trimming an address might type it: the whole guide is the home page.
        if (slug is null)
        {
            return RedirectPermanent("/");
        }

        var content = store.Current;
        if (ContentSnapshot.Find(content.GuideBySlug, slug) is not { } section)
        {
            return NotFound();
        }

        // Any other spelling (capitals, a trailing slash) is sent to the one address: it works, and is one page to a search engine.
        if (Request.Path.Value != section.Path)
        {
            return RedirectPermanent(section.Path);
        }

        var index = content.Guide.ToList().IndexOf(section);
        Section = section;
        Previous = index > 0 ? content.Guide[index - 1] : null;
        Next = index < content.Guide.Count - 1 ? content.Guide[index + 1] : null;
        return Page();
    }
}
