using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RelapseSite.Contact;

namespace RelapseSite.Pages.Contact;

/// <summary>
/// After a sent form: what happens next, the short reference, and the numbers to call now. "We have your message" is
/// said only for a reference the outbox holds. A link anyone can type must not reassure a person that a message
/// arrived when none did, and a person whose browser filled the form's hidden bot trap is told to call instead.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ThanksModel(Outbox outbox, ILogger<ThanksModel> logger) : PageModel
{
    /// <summary>The reference from the query string, once the outbox confirmed it holds that inquiry.</summary>
    public string? Reference { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "ref")] string? reference)
    {
        if (Request.Path.Value != "/contact/thanks")
        {
            return RedirectPermanent("/contact/thanks" + Request.QueryString);
        }

        if (!InquiryReference.IsValid(reference))
        {
            return Page();
        }

        try
        {
            Reference = await outbox.HoldsAsync(reference, HttpContext.RequestAborted) ? reference : null;
        }
        catch (Exception ex) when (Outbox.IsStorageFault(ex))
        {
            // Not known either way: the page asks the person to call, which is right whether it arrived or not.
            logger.LogError("The thanks page could not look up a reference ({ErrorType}); it asked the visitor to call", ex.GetType().Name);
        }

        return Page();
    }
}
