using Microsoft.AspNetCore.Mvc.RazorPages;

namespace RelapseSite.Pages.Contact;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
