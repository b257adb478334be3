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

    public IActionResult OnGet(string slug)
    {
        var content = store.Current;
        if (!content.GuideBySlug.TryGetValue(slug, out var section))
        {
            return NotFound();
        }

        var index = content.Guide.ToList().IndexOf(section);
        Section = section;
        Previous = index > 0 ? content.Guide[index - 1] : null;
        Next = index < content.Guide.Count - 1 ? content.Guide[index + 1] : null;
        return Page();
    }
}
