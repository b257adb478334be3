using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RelapseSite.Contact;

namespace RelapseSite.Pages.Contact;

/// <summary>
/// The contact form (GET). It posts to <see cref="ContactController"/>, which shows it again, through the same
/// partial, when something needs fixing. Never cached: the page carries this visitor's antiforgery token.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class IndexModel(FillTimer timer) : PageModel
{
    public ContactFormView Form { get; private set; } = null!;

    public IActionResult OnGet()
    {
        // "/Contact" or "/contact/", as typed from a leaflet: the form has one address.
        if (Request.Path.Value != "/contact")
        {
            return RedirectPermanent("/contact");
        }

        Form = ContactFormView.Blank(timer.Stamp());
        return Page();
    }
}
