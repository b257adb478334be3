using Microsoft.Extensions.Options;
using MimeKit;
using RelapseSite.Contact;

namespace RelapseSite.Tests.Contact;

public sealed class InquiryMessageTests
{
    private static readonly InquiryMessage Messages = new(Options.Create(new MailOptions
    {
        From = "Website <web@relapse.example.org>",
        To = "intake@relapse.example.org",
    }));

    private static readonly DateTimeOffset Received = new(2026, 12, 1, 14, 5, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(ContactMethod.Call, CallTime.Morning, "New inquiry: Maria prefers a call (morning)")]
    [InlineData(ContactMethod.Text, CallTime.Evening, "New inquiry: Maria prefers a text (evening)")]
    [InlineData(ContactMethod.Call, null, "New inquiry: Maria prefers a call")]
    [InlineData(ContactMethod.Email, CallTime.Afternoon, "New inquiry: Maria prefers email")]
    public void The_subject_says_who_and_how_to_reach_them(ContactMethod method, CallTime? time, string subject)
    {
        var message = Messages.Build("K7PX-4QMD", Inquiry("Maria", method, time), Received);

        Assert.Equal(subject, message.Subject);
    }

    [Fact]
    public void A_resend_of_the_same_inquiry_is_recognisable_by_its_message_id_and_date()
    {
        var first = Messages.Build("K7PX-4QMD", Inquiry("Maria"), Received);
        var again = Messages.Build("K7PX-4QMD", Inquiry("Maria"), Received);

        Assert.Equal("inquiry-K7PX-4QMD@relapse.example.org", first.MessageId);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(first.Date, again.Date);
    }

    [Fact]
    public void Even_an_inquiry_that_skipped_the_form_cannot_inject_a_header()
    {
        var inquiry = Inquiry("Eve\r\nBcc: spy@evil.example\r\n\r\nbody");

        var message = Messages.Build("K7PX-4QMD", inquiry, Received);
        using var wire = new MemoryStream();
        message.WriteTo(wire);
        wire.Position = 0;
        var parsed = MimeMessage.Load(wire);

        Assert.Empty(parsed.Bcc);
        Assert.DoesNotContain(parsed.Headers, h => h.Field == "Bcc");
        Assert.Equal("New inquiry: Eve Bcc: spy@evil.example body prefers a call (morning)", parsed.Subject);
        Assert.Equal("Eve Bcc: spy@evil.example body", Assert.Single(parsed.ReplyTo.Mailboxes).Name);
    }

    [Theory]
    [InlineData("=?utf-8?B?SW50YWtlOiBpZ25vcmU=?=")]
    [InlineData("=?us-ascii?Q?Ignore_this?=")]
    [InlineData("Zo\u00EB =?utf-8?Q?Ignore_this?=")]
    public void A_name_written_as_an_encoded_word_reaches_intake_as_typed_not_decoded(string name)
    {
        var parsed = RoundTrip(Messages.Build("K7PX-4QMD", Inquiry(name), Received));

        // Decoded, these would read "Intake: ignore" or "Ignore this": text the visitor did not type, shown as if it were.
        Assert.DoesNotContain("Intake: ignore", parsed.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("Ignore this", parsed.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("Ignore this", Assert.Single(parsed.ReplyTo.Mailboxes).Name, StringComparison.Ordinal);
        Assert.DoesNotContain("Intake: ignore", Assert.Single(parsed.ReplyTo.Mailboxes).Name, StringComparison.Ordinal);
    }

    [Fact]
    public void A_right_to_left_override_in_a_name_cannot_reverse_the_subject()
    {
        var parsed = RoundTrip(Messages.Build("K7PX-4QMD", Inquiry("Maria\u202E Lopez"), Received));

        Assert.Equal("New inquiry: Maria Lopez prefers a call (morning)", parsed.Subject);
        Assert.Equal("Maria Lopez", Assert.Single(parsed.ReplyTo.Mailboxes).Name);
    }

    [Fact]
    public void A_punycode_email_becomes_the_reply_to_address()
    {
        var inquiry = new Inquiry
        {
            Name = "Maria",
            Email = "maria@xn--mnchen-3ya.de",
            Preferred = ContactMethod.Email,
            LeaveMessage = true,
            Who = HelpFor.Self,
            Consent = true,
        };

        var replyTo = Assert.Single(RoundTrip(Messages.Build("K7PX-4QMD", inquiry, Received)).ReplyTo.Mailboxes);

        Assert.Equal("maria@xn--mnchen-3ya.de", replyTo.GetAddress(idnEncode: true));
    }

    [Fact]
    public void Intake_auto_replies_are_asked_not_to_answer_the_visitor()
    {
        var message = Messages.Build("K7PX-4QMD", Inquiry("Maria"), Received);

        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal("All", message.Headers["X-Auto-Response-Suppress"]);
    }

    [Fact]
    public void The_received_time_is_shown_in_the_intake_teams_time_zone()
    {
        var message = Messages.Build("K7PX-4QMD", Inquiry("Maria"), Received);

        Assert.Contains("Tuesday, December 1, 2026 at 9:05 AM (UTC-05:00)", message.TextBody, StringComparison.Ordinal);
    }

    private static MimeMessage RoundTrip(MimeMessage message)
    {
        using var wire = new MemoryStream();
        message.WriteTo(wire);
        wire.Position = 0;
        return MimeMessage.Load(wire);
    }

    private static Inquiry Inquiry(string name, ContactMethod method = ContactMethod.Call, CallTime? time = CallTime.Morning) => new()
    {
        Name = name,
        Email = "maria@example.net",
        Phone = "954 555 0123",
        Preferred = method,
        BestTime = time,
        LeaveMessage = true,
        Who = HelpFor.Self,
        Message = "Hello",
        Consent = true,
    };
}
