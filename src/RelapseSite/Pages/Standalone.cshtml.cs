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
        if (!store.Current.Standalone.TryGetValue(slug, out var page))
        {
            return NotFound();
        }

        Article = page;
        return Page();
    }
}
