using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RelapseSite.Content;

namespace RelapseSite.Pages;

/// <summary>A page from <c>content/pages/</c>, such as the privacy notice, at <c>/{slug}</c>.</summary>
public sealed class StandaloneModel(ContentStore store) : PageModel
{
    public ContentPage Article { get; private set; } = null!;

    public IActionResult OnGet(string slug)
    {
        if (ContentSnapshot.Find(store.Current.Standalone, slug) is not { } page)
        {
            return NotFound();
        }

        // Any other spelling (capitals, a trailing slash) is sent to the one address.
        if (Request.Path.Value != page.Path)
        {
            return RedirectPermanent(page.Path);
        }

        Article = page;
        return Page();
    }
}
