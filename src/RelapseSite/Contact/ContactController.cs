using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;

namespace RelapseSite.Contact;

/// <summary>
/// Receives the contact form. The checks run in this order: antiforgery (middleware; a stale token on this site's
/// own form comes here to be shown again), honeypot, validation, fill time, a repeat of a form already stored (same
/// answer, nothing added), then the rate limit, which only a post about to be stored uses up
/// (<see cref="ContactRateLimiter"/>). An accepted inquiry is committed to the outbox before the answer, which is a
/// 303 to the thanks page (post/redirect/get); the mail goes out later, from the dispatcher.
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ContactController(
    Outbox outbox, OutboxSignal signal, FillTimer timer, ContactRateLimiter limiter, ILogger<ContactController> logger) : Controller
{
    /// <summary>The view that shows the form again, with the same partial the /contact page uses.</summary>
    public const string FormView = "/Pages/Contact/Form.cshtml";

    // Order -1: the same path as the /contact page, which serves GET; this action wins for POST.
    // RequireAntiforgeryToken (not MVC's ValidateAntiForgeryToken): the antiforgery middleware checks the token, and a
    // bad one is refused with 400 before this action runs (ContactSetup.UseContact).
    [HttpPost("/contact", Order = -1)]
    [RequireAntiforgeryToken]
    public async Task<IActionResult> Send(
        [FromForm] InquiryForm? form,
        [FromForm(Name = InquiryForm.HoneypotField)] string? honeypot,
        [FromForm(Name = InquiryForm.StartedField)] string? started)
    {
        if (form is null || HttpContext.Items.ContainsKey(ContactSetup.UnreadableFormItem))
        {
            // This site's own form, but a body nothing could be read from (ContactSetup): there are no words to give
            // back, so the form comes back empty, saying so, with the phone number. Never a 500.
            return Reshow(new InquiryForm(), null, [], FormNotice.Unreadable, StatusCodes.Status400BadRequest);
        }

        if (HttpContext.Items.ContainsKey(ContactSetup.StaleTokenItem))
        {
            // This site's own form with a token that no longer works (ContactSetup): nothing is stored, and the person
            // gets their words back with a fresh token, instead of a page that loses them.
            return Reshow(form, started, [], FormNotice.StaleToken, StatusCodes.Status400BadRequest);
        }

        if (!string.IsNullOrEmpty(honeypot))
        {
            // A bot gets the usual redirect; nothing is stored or sent. The thanks page does not find the reference,
            // so a person whose browser filled the hidden field is asked to call rather than told it arrived.
            logger.LogInformation("A contact form post filled the hidden honeypot field; treated as a bot, nothing was stored");
            return SeeOther(InquiryReference.New());
        }

        // Before the fill time: a form that must come back anyway comes back with what to fix, not only "check and
        // send again", which would leave the person to find the errors on the next try.
        var errors = form.Validate();
        if (errors.Count > 0)
        {
            return Reshow(form, started, errors, FormNotice.None, StatusCodes.Status400BadRequest);
        }

        if (!timer.IsHumanPace(started))
        {
            // Not dropped: autofill lets a person send in a second. They are asked to check and send again.
            logger.LogInformation("A contact form post came sooner than Contact:MinimumFillSeconds; the form was shown again");
            return Reshow(form, started, [], FormNotice.TooFast, StatusCodes.Status200OK);
        }

        var repeatKey = form.RepeatKey(started);
        string id;
        try
        {
            // A repeat of a form already stored (a double tap on a slow phone) gets the same answer, and uses no permit.
            if (repeatKey is not null && await outbox.FindRepeatAsync(repeatKey, CancellationToken.None) is { } earlier)
            {
                return Repeated(earlier);
            }

            if (!limiter.TryAcquire(HttpContext, out var retryAfter))
            {
                // Posts the outbox failed to store took permits too. If it still cannot store, that is the reason to
                // give, not "you sent several messages": the person did nothing wrong. A failed probe says so below.
                await outbox.ProbeWriteAsync(CancellationToken.None);

                // No address in the log: an IP address is personal data too.
                logger.LogWarning("A client went over the contact form's limit (Contact:PermitLimit); the form was shown again with 429");
                Response.Headers.RetryAfter = retryAfter;
                return Reshow(form, started, [], FormNotice.TooMany, StatusCodes.Status429TooManyRequests);
            }

            // Not the request's token: once the visitor pressed send, the inquiry is kept even if they close the tab.
            (id, var repeat) = await outbox.AddAsync(form.ToInquiry(), repeatKey, CancellationToken.None);
            if (repeat)
            {
                // The first post of the same form was stored a moment ago, between the look-up above and this add.
                return Repeated(id);
            }
        }
        catch (Exception ex) when (Outbox.IsStorageFault(ex))
        {
            logger.LogError("An inquiry could not be stored ({ErrorType}); the form was shown again with the phone number", ex.GetType().Name);
            return Reshow(form, started, [], FormNotice.NotSaved, StatusCodes.Status503ServiceUnavailable);
        }

        logger.LogInformation("Inquiry {InquiryId} stored", id);
        signal.Wake();
        return SeeOther(id);
    }

    private StatusCodeResult Repeated(string id)
    {
        logger.LogInformation("Inquiry {InquiryId} was sent again from the same form; answered with the same reference", id);
        return SeeOther(id);
    }

    private ViewResult Reshow(InquiryForm form, string? started, IReadOnlyList<FieldError> errors, FormNotice notice, int status)
    {
        var view = View(FormView, new ContactFormView { Form = form, Started = timer.Renew(started), Errors = errors, Notice = notice });
        view.StatusCode = status;
        return view;
    }

    private StatusCodeResult SeeOther(string reference)
    {
        // The reference is random and says nothing about the person, so it may sit in the URL.
        Response.Headers.Location = "/contact/thanks?ref=" + reference;
        return StatusCode(StatusCodes.Status303SeeOther);
    }
}
