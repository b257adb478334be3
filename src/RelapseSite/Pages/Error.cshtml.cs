using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace RelapseSite.Pages;

/// <summary>
/// The one page every failure ends on. It must not fail itself, so it needs nothing but the site's settings, and it
/// answers any method: a failed request is re-executed here with its own method (POST, PUT, DELETE, ...).
/// </summary>
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "";

    public string Explanation { get; private set; } = "";

    public string Path { get; private set; } = "/error";

    /// <summary>
    /// Runs whatever the method, handler or not: a failure re-executed here as a DELETE or PUT has no handler, and
    /// without this the page would render with an empty heading.
    /// </summary>
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context) =>
        Describe(int.TryParse(RouteData.Values["code"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null);

    /// <summary>
    /// Razor Pages answers an OPTIONS request to a page that has no OnOptions handler with an empty 200 of its own,
    /// which would replace the 405 this page is describing.
    /// </summary>
    public void OnOptions()
    {
    }

    private void Describe(int? code)
    {
        // Re-executed for a status code: that status stands. After an exception, the handler has already chosen the
        // status (413 for an oversized body, else 500). Reached directly, as /error or /error/500, nothing failed: it
        // is an address with no page of its own, so 404. Answering 500 would let anyone write error lines in the log.
        var exception = HttpContext.Features.Get<IExceptionHandlerPathFeature>() is not null;
        var reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null;
        if (!exception && !reExecuted)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        Path = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath ?? "/error";
        (Title, Explanation) = Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ("We can't find that page", "The link may be old, or the address may have a typo. The guide and our phone line are still here for you."),
            StatusCodes.Status400BadRequest => ("That didn't work", "Your browser sent something we could not read. Please go back and try again. If it keeps happening, please call us instead."),
            StatusCodes.Status405MethodNotAllowed => ("That didn't work", "This page can't do that. Please go back and try again."),
            StatusCodes.Status413PayloadTooLarge => ("That was too long to send", "What you sent was too long for our form. Please shorten your message and try again, or call us instead."),
            StatusCodes.Status429TooManyRequests => ("Please wait a moment", "We got many tries from your connection in a short time. Please wait a minute and try again, or call us now."),
            // Any other 4xx (a stale Range or If-Unmodified-Since, say) was not a fault here, so it must not say so.
            >= 400 and <= 499 => ("That didn't work", "We could not answer that request. Please go back and try again. If it keeps happening, please call us instead."),
            _ => ("Sorry, something went wrong on our side", "It is not your fault. Our team will look into it. Please try again in a few minutes."),
        };
    }
}
