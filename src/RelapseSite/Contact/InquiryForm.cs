using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace RelapseSite.Contact;

/// <summary>One problem with the form, keyed by the field's name (which is also its id on the page).</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// The contact form as posted. Every field binds as a string, so binding itself never fails (and never writes a
/// framework message quoting the value); <see cref="Validate"/> checks everything at once, so a visitor sees every
/// problem in one go, and <see cref="ToInquiry"/> turns a valid form into an <see cref="Inquiry"/>.
/// </summary>
public sealed partial class InquiryForm
{
    public const int NameMax = 100;
    public const int EmailMax = 254;
    public const int PhoneMax = 40;
    public const int MessageMax = 2000;

    /// <summary>The honeypot: hidden from people and screen readers, and named so that autofill leaves it alone.</summary>
    public const string HoneypotField = "contact_reference_hp";

    /// <summary>The protected time the form was shown, for the minimum fill time.</summary>
    public const string StartedField = "started";

    /// <summary>The fields' names in the posted form, which are also their ids on the page (error summary links go there).</summary>
    public static class Fields
    {
        public const string Name = "name";
        public const string Email = "email";
        public const string Phone = "phone";
        public const string Preferred = "preferred";
        public const string BestTime = "bestTime";
        public const string LeaveMessage = "leaveMessage";
        public const string Who = "who";
        public const string Message = "message";
        public const string Consent = "consent";
    }

    public static readonly IReadOnlyList<(string Value, string Label)> PreferredChoices =
        [(nameof(ContactMethod.Call), "Phone call"), (nameof(ContactMethod.Text), "Text message"), (nameof(ContactMethod.Email), "Email")];

    public static readonly IReadOnlyList<(string Value, string Label)> BestTimeChoices =
        [("", "Any time"), (nameof(CallTime.Morning), "Morning"), (nameof(CallTime.Afternoon), "Afternoon"), (nameof(CallTime.Evening), "Evening")];

    public static readonly IReadOnlyList<(string Value, string Label)> LeaveMessageChoices = [("yes", "Yes"), ("no", "No")];

    public static readonly IReadOnlyList<(string Value, string Label)> WhoChoices =
        [(nameof(HelpFor.Self), "Me"), (nameof(HelpFor.SomeoneElse), "Someone I care about")];

    public string? Name { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? Preferred { get; set; }

    public string? BestTime { get; set; }

    public string? LeaveMessage { get; set; }

    public string? Who { get; set; }

    public string? Message { get; set; }

    public string? Consent { get; set; }

    /// <summary>The value to show back in a field: what the visitor typed, so nothing has to be typed twice.</summary>
    public string? this[string field] => field switch
    {
        Fields.Name => Name,
        Fields.Email => Email,
        Fields.Phone => Phone,
        Fields.Preferred => Preferred,
        Fields.BestTime => BestTime,
        Fields.LeaveMessage => LeaveMessage,
        Fields.Who => Who,
        Fields.Message => Message,
        Fields.Consent => Consent,
        _ => null,
    };

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        var name = SingleLine(Name);
        var email = SingleLine(Email);
        var phone = PhoneLine(Phone);
        var message = MultiLine(Message);
        var preferred = ParseChoice<ContactMethod>(Preferred);

        if (name.Length == 0)
        {
            errors.Add(new(Fields.Name, "Enter your name"));
        }
        else if (Seen(name) > NameMax)
        {
            errors.Add(new(Fields.Name, $"Name must be {NameMax} characters or fewer"));
        }

        if (email.Length > EmailMax || (email.Length > 0 && !IsEmail(email)))
        {
            errors.Add(new(Fields.Email, "Enter an email address in the correct format, like name@example.com"));
        }
        else if (email.Length == 0 && preferred == ContactMethod.Email)
        {
            errors.Add(new(Fields.Email, "Enter your email address, or choose a phone call or a text"));
        }
        else if (email.Length == 0 && phone.Length == 0 && preferred is not (ContactMethod.Call or ContactMethod.Text))
        {
            errors.Add(new(Fields.Email, "Enter an email address or a phone number, so we can reach you"));
        }

        if (phone.Length > PhoneMax || (phone.Length > 0 && !IsPhone(phone)))
        {
            errors.Add(new(Fields.Phone, "Enter a phone number, like 954 555 0123 or +1 954 555 0123"));
        }
        else if (phone.Length == 0 && preferred is ContactMethod.Call or ContactMethod.Text)
        {
            errors.Add(new(Fields.Phone, preferred == ContactMethod.Call
                ? "Enter your phone number so we can call you, or choose email"
                : "Enter your phone number so we can text you, or choose email"));
        }

        if (preferred is null)
        {
            errors.Add(new(Fields.Preferred, "Select how you would like us to reach you"));
        }

        if (!string.IsNullOrEmpty(BestTime) && ParseChoice<CallTime>(BestTime) is null)
        {
            errors.Add(new(Fields.BestTime, "Select a time from the list"));
        }

        if (ParseYesNo(LeaveMessage) is null)
        {
            errors.Add(new(Fields.LeaveMessage, "Select yes if it is OK to leave you a message"));
        }

        if (ParseChoice<HelpFor>(Who) is null)
        {
            errors.Add(new(Fields.Who, "Select who needs help"));
        }

        if (Seen(message) is var length && length > MessageMax)
        {
            errors.Add(new(Fields.Message, string.Create(CultureInfo.InvariantCulture,
                $"Message must be {MessageMax:N0} characters or fewer (it has {length:N0})")));
        }

        if (ParseYesNo(Consent) != true)
        {
            errors.Add(new(Fields.Consent, "Check the box to let us contact you"));
        }

        return errors;
    }

    /// <summary>The accepted inquiry. Only call on a form whose <see cref="Validate"/> returned no errors.</summary>
    public Inquiry ToInquiry()
    {
        return new Inquiry
        {
            Name = NameLine(Name),
            Email = NullIfEmpty(SingleLine(Email)),
            Phone = NullIfEmpty(PhoneLine(Phone)),
            Preferred = ParseChoice<ContactMethod>(Preferred) ?? throw new InvalidOperationException("The form is not valid."),
            BestTime = ParseChoice<CallTime>(BestTime),
            LeaveMessage = ParseYesNo(LeaveMessage) ?? throw new InvalidOperationException("The form is not valid."),
            Who = ParseChoice<HelpFor>(Who) ?? throw new InvalidOperationException("The form is not valid."),
            Message = NullIfEmpty(MultiLine(Message)),
            Consent = ParseYesNo(Consent) == true,
        };
    }

    // Model-binding trace logs print action arguments with ToString(): never the values.
    /// <summary>
    /// What makes a second post of this form the same inquiry: the form's own "shown at" stamp and every value as it
    /// will be stored. A double tap, or "send" pressed again after a slow answer, gives the same key; a visitor who goes
    /// back, changes something and sends again gives a new one, and that is a new inquiry. The stamp is never stored,
    /// so the hash cannot be turned back into what was typed. Null without a stamp: then nothing tells two posts apart.
    /// </summary>
    public string? RepeatKey(string? started)
    {
        if (string.IsNullOrEmpty(started))
        {
            return null;
        }

        var values = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ToInquiry());
        var stamp = Encoding.UTF8.GetBytes(started + "\n");
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData([.. stamp, .. values]));
    }

    public override string ToString() => nameof(InquiryForm);

    /// <summary>
    /// A one-line value: control characters (CR and LF among them), Unicode line separators and every kind of space
    /// become plain spaces, and format characters (bidi controls, zero-width marks) are dropped. Browsers cannot put a
    /// line break in a text input, so one here was crafted, and it must never reach a mail header. Format characters
    /// arrive invisibly with text pasted from a phone's contacts (a number wrapped in U+202A..U+202C) and would make it
    /// fail the check; in a name, U+202E would reverse how the subject line reads.
    /// </summary>
    public static string SingleLine(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var builder = new StringBuilder(value.Length);
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in value.EnumerateRunes())
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                // Zero-width joiners are part of how some scripts (Persian, Hindi) and emoji are spelt; the other format
                // characters (bidi controls, zero-width spaces, BOM) only hide or reorder text.
                case UnicodeCategory.Format when rune.Value is not (0x200C or 0x200D):
                    break;
                case UnicodeCategory.Control or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    builder.Append(' ');
                    break;
                default:
                    builder.Append(utf16[..rune.EncodeToUtf16(utf16)]);
                    break;
            }
        }

        return MultipleSpaces().Replace(builder.ToString(), " ").Trim();
    }

    /// <summary>
    /// A name as it may reach a mail header. MimeKit writes a literal <c>=?</c> as it is, and mail clients then decode
    /// <c>=?charset?B?...?=</c> as an encoded word: a name could make the subject or Reply-To show text it does not
    /// contain. A space after the <c>=</c> keeps what was typed readable and can never start an encoded word.
    /// </summary>
    public static string NameLine(string? value) => SingleLine(value).Replace("=?", "= ?", StringComparison.Ordinal);

    /// <summary>A phone number as one line, with the typographic dashes phones and word processors insert made plain.</summary>
    public static string PhoneLine(string? value)
    {
        var line = SingleLine(value);
        var builder = new StringBuilder(line.Length);
        foreach (var c in line)
        {
            builder.Append(c is (>= '\u2010' and <= '\u2015') or '\u2212' ? '-' : c);
        }

        return builder.ToString();
    }

    /// <summary>A textarea's value: line breaks kept as LF (so 2,000 characters means what the visitor saw), other controls dropped.</summary>
    public static string MultiLine(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value.ReplaceLineEndings("\n"))
        {
            if (c == '\n' || c == '\t' || !char.IsControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Trim();
    }

    /// <summary>
    /// One bare address, as a browser's type="email" would take it. The parse must give back exactly what was typed, so
    /// a display name, a second address or a header-breaking character is refused. MimeKit decodes an IDN domain
    /// (xn--mnchen-3ya.de becomes münchen.de), so the comparison is with the IDN-encoded form, ignoring case, because
    /// that round trip can change the case of the domain.
    /// </summary>
    public static bool IsEmail(string value) =>
        value.Length <= EmailMax
        && EmailPattern().IsMatch(value)
        && MailboxAddress.TryParse(value, out var mailbox)
        && string.Equals(mailbox.GetAddress(idnEncode: true), value, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Any common way of writing a phone number: 7 to 15 digits, spaces, dots, dashes, brackets, a leading + or (+44),
    /// an extension after x, ext or #.
    /// </summary>
    public static bool IsPhone(string value)
    {
        var match = PhonePattern().Match(value);
        if (!match.Success)
        {
            return false;
        }

        var digits = match.Groups["number"].Value.Count(char.IsAsciiDigit);
        return digits is >= 7 and <= 15;
    }

    private static T? ParseChoice<T>(string? value)
        where T : struct, Enum =>
        !string.IsNullOrEmpty(value) && Enum.GetNames<T>().Contains(value, StringComparer.OrdinalIgnoreCase)
            ? Enum.Parse<T>(value, ignoreCase: true)
            : null;

    private static bool? ParseYesNo(string? value) => value?.ToLowerInvariant() switch
    {
        "yes" or "true" or "on" => true,
        "no" or "false" => false,
        _ => null,
    };

    /// <summary>
    /// Characters as the visitor sees them: an emoji, or a letter with its accent, counts once, though it takes two to
    /// eleven UTF-16 units. The limits are about what a person wrote, and the count is what the error message quotes.
    /// But never less than a quarter of the UTF-16 units: accent marks stacked on one letter are one "character" each
    /// time, and would otherwise let a 20,000-unit name into the mail's subject line.
    /// </summary>
    private static int Seen(string value) => Math.Max(new StringInfo(value).LengthInTextElements, (value.Length + 3) / 4);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    [GeneratedRegex(" {2,}")]
    private static partial Regex MultipleSpaces();

    // The WHATWG rule for type="email", with at least one dot in the domain: an intranet name is no use to us.
    [GeneratedRegex(@"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^(?<number>(?:\+|\(\+(?=[0-9]))?\(?[0-9][0-9 ().\-/]*[0-9])(?:\s*(?:x|ext\.?|extension|\#)\s*[0-9]{1,6})?$", RegexOptions.IgnoreCase)]
    private static partial Regex PhonePattern();
}
