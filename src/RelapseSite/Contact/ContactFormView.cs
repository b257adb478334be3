namespace RelapseSite.Contact;

public enum FormNotice
{
    None,

    /// <summary>Sent sooner than <c>Contact:MinimumFillSeconds</c> after the form was shown: perhaps autofill, perhaps a bot.</summary>
    TooFast,

    /// <summary>The outbox could not store the inquiry: nothing was sent, and the visitor is asked to try again or call.</summary>
    NotSaved,

    /// <summary>Over <c>Contact:PermitLimit</c>: nothing was stored; the visitor is asked to wait a minute or call.</summary>
    TooMany,

    /// <summary>
    /// This site's own form came back with an antiforgery token that no longer works: nothing was stored; the form
    /// is shown again, with a fresh token, and the visitor is asked to send it again.
    /// </summary>
    StaleToken,

    /// <summary>
    /// This site's own form sent a body the form reader refuses (over 100 fields, a broken multipart body): nothing
    /// could be read, so nothing was stored, and the form comes back empty with the phone number.
    /// </summary>
    Unreadable,
}

/// <summary>What the contact form shows: the values as typed, the problems found, and any notice above the form.</summary>
public sealed class ContactFormView
{
    public required InquiryForm Form { get; init; }

    /// <summary>The protected "form shown at" stamp for the minimum fill time.</summary>
    public required string Started { get; init; }

    public IReadOnlyList<FieldError> Errors { get; init; } = [];

    public FormNotice Notice { get; init; }

    /// <summary>The page title starts with "Error: " when this is true.</summary>
    public bool HasErrors => Errors.Count > 0 || Notice is FormNotice.NotSaved or FormNotice.TooMany or FormNotice.StaleToken or FormNotice.Unreadable;

    public static ContactFormView Blank(string started) => new() { Form = new InquiryForm(), Started = started };

    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    public string? Value(string field) => Form[field];

    public bool IsChosen(string field, string value) =>
        string.Equals(Form[field] ?? "", value, StringComparison.OrdinalIgnoreCase);
}
