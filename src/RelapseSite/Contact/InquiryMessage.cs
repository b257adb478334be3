using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;

namespace RelapseSite.Contact;

/// <summary>
/// The email to intake staff for one inquiry: to <c>Mail:To</c>, from <c>Mail:From</c>, Reply-To the visitor's email
/// when given, a plain-text and an HTML part that both lay out every field. Every value that reaches a header goes
/// through MimeKit's encoder after line breaks are removed, so no field can add a header or a recipient, and the name
/// is cleaned again (<see cref="InquiryForm.NameLine"/>), so an inquiry stored before that cleaning is safe too.
/// </summary>
public sealed class InquiryMessage(IOptions<MailOptions> options)
{
    public MimeMessage Build(string id, Inquiry inquiry, DateTimeOffset receivedAt)
    {
        var mail = options.Value;
        var from = mail.FromAddress;
        var name = InquiryForm.NameLine(inquiry.Name);
        var message = new MimeMessage
        {
            Subject = Subject(inquiry),

            // Stable per inquiry: a re-send after a crash carries the same id, so it is recognisable as a repeat.
            MessageId = $"inquiry-{id}@{(string.IsNullOrEmpty(from.Domain) ? "localhost" : from.Domain)}",
            Date = receivedAt,
        };
        message.From.Add(from);
        message.To.AddRange(mail.ToAddresses);
        if (inquiry.Email is { } email && InquiryForm.IsEmail(email))
        {
            message.ReplyTo.Add(new MailboxAddress(name, email));
        }

        // An out-of-office reply from an intake mailbox would go to Reply-To: the visitor, perhaps at a shared family
        // address. These ask responders not to answer (RFC 3834, and Exchange's own header).
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");

        var fields = Fields(id, inquiry, receivedAt, mail.TimeZoneInfo);
        message.Body = new BodyBuilder { TextBody = Text(fields, inquiry), HtmlBody = Html(fields, inquiry) }.ToMessageBody();
        return message;
    }

    /// <summary>"New inquiry: Maria prefers a call (morning)".</summary>
    public static string Subject(Inquiry inquiry)
    {
        var preference = inquiry.Preferred switch
        {
            ContactMethod.Call => "prefers a call",
            ContactMethod.Text => "prefers a text",
            _ => "prefers email",
        };
        var when = inquiry.BestTime is { } time && inquiry.Preferred != ContactMethod.Email
            ? $" ({time.ToString().ToLowerInvariant()})"
            : "";
        return $"New inquiry: {InquiryForm.NameLine(inquiry.Name)} {preference}{when}";
    }

    private static List<(string Label, string Value)> Fields(string id, Inquiry inquiry, DateTimeOffset receivedAt, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(receivedAt, zone);
        return
        [
            ("Reference", id),
            ("Received", local.ToString("dddd, MMMM d, yyyy 'at' h:mm tt (UTCzzz)", CultureInfo.InvariantCulture)),
            ("Name", InquiryForm.NameLine(inquiry.Name)),
            ("Phone", inquiry.Phone ?? "not given"),
            ("Email", inquiry.Email ?? "not given"),
            ("Prefers", inquiry.Preferred switch
            {
                ContactMethod.Call => "a phone call",
                ContactMethod.Text => "a text message",
                _ => "email",
            }),
            ("Best time to call", inquiry.BestTime?.ToString() ?? "any time"),
            ("OK to leave a message", inquiry.LeaveMessage ? "Yes" : "NO: please do not leave a message"),
            ("Who needs help", inquiry.Who == HelpFor.Self ? "The person writing" : "Someone they care about"),
            ("Consent to contact", inquiry.Consent ? "Yes" : "No"),
        ];
    }

    private static string Text(List<(string Label, string Value)> fields, Inquiry inquiry)
    {
        var text = new StringBuilder();
        text.Append("Someone asked for help through the website's contact form.\n\n");
        foreach (var (label, value) in fields)
        {
            text.Append(CultureInfo.InvariantCulture, $"{label + ":",-23} {value}\n");
        }

        text.Append("\nMessage:\n").Append(inquiry.Message ?? "(none)").Append("\n\n").Append(Footer).Append('\n');
        return text.ToString();
    }

    private static string Html(List<(string Label, string Value)> fields, Inquiry inquiry)
    {
        static string Encode(string value) => WebUtility.HtmlEncode(value);

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>New inquiry</title></head><body>");
        html.Append("<p>Someone asked for help through the website's contact form.</p>");
        html.Append("<table cellpadding=\"4\">");
        foreach (var (label, value) in fields)
        {
            html.Append("<tr><th scope=\"row\" align=\"left\">").Append(Encode(label)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>");
        }

        html.Append("</table><h2>Message</h2><p>")
            .Append(inquiry.Message is null ? "(none)" : Encode(inquiry.Message).Replace("\n", "<br>\n", StringComparison.Ordinal))
            .Append("</p><p><small>").Append(Encode(Footer)).Append("</small></p></body></html>");
        return html.ToString();
    }

    private const string Footer =
        "The email address and phone number were typed by the visitor and have not been checked. Replying to this email "
        + "writes to the email address they gave. A second message with the same reference is a re-send, not a new inquiry.";
}
