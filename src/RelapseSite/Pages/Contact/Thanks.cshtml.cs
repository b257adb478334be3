using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RelapseSite.Contact;

namespace RelapseSite.Pages.Contact;

/// <summary>After a sent form: what happens next, the short reference, and the numbers to call now.</summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ThanksModel : PageModel
{
    /// <summary>The reference from the query string, when it looks like one; anything else is not shown back.</summary>
    public string? Reference { get; private set; }

    public void OnGet([FromQuery(Name = "ref")] string? reference) =>
        Reference = InquiryReference.IsValid(reference) ? reference : null;
}
