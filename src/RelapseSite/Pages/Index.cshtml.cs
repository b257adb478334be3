using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RelapseSite.Content;

namespace RelapseSite.Pages;

/// <summary>The whole guide on one page, in order, with a table of contents.</summary>
public sealed class IndexModel(ContentStore store) : PageModel
{
    public ContentSnapshot Snapshot { get; private set; } = ContentSnapshot.Empty;

    public IActionResult OnGet()
    {
        // Razor Pages also answers "/Index" and "/index/" here; the home page has one address.
        if (Request.Path.Value != "/")
        {
            return RedirectPermanent("/");
        }

        Snapshot = store.Current;
        return Page();
    }
}
