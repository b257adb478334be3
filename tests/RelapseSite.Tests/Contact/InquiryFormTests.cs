using RelapseSite.Contact;

namespace RelapseSite.Tests.Contact;

public sealed class InquiryFormTests
{
    [Theory]
    [InlineData("954-555-0123")]
    [InlineData("(954) 555-0123")]
    [InlineData("954.555.0123")]
    [InlineData("9545550123")]
    [InlineData("+1 954 555 0123")]
    [InlineData("+1 (954) 555-0123")]
    [InlineData("1-954-555-0123")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("555-0123")]
    [InlineData("954-555-0123 ext. 12")]
    [InlineData("954 555 0123 x12")]
    public void Common_phone_formats_are_accepted(string phone) => Assert.True(InquiryForm.IsPhone(phone));

    [Theory]
    [InlineData("12345")]
    [InlineData("call me")]
    [InlineData("555-CALL-NOW")]
    [InlineData("+1 954 555 0123 4567 8901")]
    [InlineData("954-555-0123; DROP TABLE")]
    public void Things_that_are_not_phone_numbers_are_refused(string phone) => Assert.False(InquiryForm.IsPhone(phone));

    [Theory]
    [InlineData("maria@example.net", true)]
    [InlineData("maria.lopez+intake@mail.example.co.uk", true)]
    [InlineData("o'brien@example.org", true)]
    [InlineData("maria@", false)]
    [InlineData("maria@localhost", false)]
    [InlineData("maria example.net", false)]
    [InlineData("Maria <maria@example.net>", false)]
    [InlineData("maria@example.net, other@example.net", false)]
    [InlineData("maria@exa_mple.net", false)]
    [InlineData("maria@xn--mnchen-3ya.de", true)]
    [InlineData("maria@mail.xn--mnchen-3ya.DE", true)]
    [InlineData("Maria <maria@xn--mnchen-3ya.de>", false)]
    [InlineData("maria@xn--mnchen-3ya.de, other@example.net", false)]
    [InlineData("maria@münchen.de", false)]
    public void Email_addresses_are_checked(string email, bool valid) => Assert.Equal(valid, InquiryForm.IsEmail(email));

    [Fact]
    public void One_line_fields_lose_every_kind_of_line_break()
    {
        var cleaned = InquiryForm.SingleLine("  Maria\r\nBcc: x@evil.example\u2028X-A: 1\u0085\tLopez  ");

        Assert.Equal("Maria Bcc: x@evil.example X-A: 1 Lopez", cleaned);
    }

    [Theory]
    [InlineData("\u202A+1 954-555-0123\u202C", "+1 954-555-0123")]
    [InlineData("954\u2011555\u20110123", "954-555-0123")]
    [InlineData("954\u00A0555\u00A00123", "954 555 0123")]
    [InlineData("954\u2013555\u20130123", "954-555-0123")]
    [InlineData("+1\u2212954\u2212555\u22120123", "+1-954-555-0123")]
    [InlineData("\u200B954\u202F555\u2060 0123\uFEFF", "954 555 0123")]
    [InlineData("954-555-0123 #204", "954-555-0123 #204")]
    [InlineData("(+44) 20 7946 0958", "(+44) 20 7946 0958")]
    public void Phone_numbers_pasted_from_a_phones_contacts_are_accepted_and_kept_plain(string pasted, string kept)
    {
        var form = Valid();
        form.Phone = pasted;

        Assert.Empty(form.Validate());
        Assert.Equal(kept, form.ToInquiry().Phone);
    }

    [Theory]
    [InlineData("954-555-0123 #204")]
    [InlineData("954-555-0123 # 204")]
    [InlineData("954-555-0123 x204")]
    [InlineData("954-555-0123 ext 204")]
    [InlineData("(+44) 20 7946 0958")]
    [InlineData("(+1) 954 555 0123 ext. 204")]
    public void An_extension_or_a_bracketed_country_code_is_a_phone_number(string phone) => Assert.True(InquiryForm.IsPhone(phone));

    [Theory]
    [InlineData("954-555-0123 #")]
    [InlineData("954-555-0123 #ABC")]
    [InlineData("(+) 954 555 0123")]
    public void A_half_written_extension_or_country_code_is_not(string phone) => Assert.False(InquiryForm.IsPhone(phone));

    [Fact]
    public void A_name_loses_bidi_and_zero_width_marks_and_its_spaces_become_plain()
    {
        var form = Valid();
        form.Name = "\u202EMaria\u200B\u00A0Lo\u2060pez\u202C";

        Assert.Empty(form.Validate());
        Assert.Equal("Maria Lopez", form.ToInquiry().Name);
    }

    [Theory]
    [InlineData("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645")]
    [InlineData("Ana \U0001F468\u200D\U0001F469")]
    public void Zero_width_joiners_that_are_part_of_a_names_spelling_are_kept(string name)
    {
        // Persian and Indic scripts, and emoji, are spelt with them; intake must see the name as it was typed.
        var form = Valid();
        form.Name = name;

        Assert.Equal(name, form.ToInquiry().Name);
    }

    [Fact]
    public void A_name_cannot_contain_the_start_of_an_encoded_word()
    {
        var form = Valid();
        form.Name = "=?utf-8?B?SW50YWtlOiBpZ25vcmU=?=";

        Assert.Empty(form.Validate());
        Assert.DoesNotContain("=?", form.ToInquiry().Name, StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_keeps_its_lines_and_counts_each_break_as_one_character()
    {
        var form = Valid();
        form.Message = string.Concat(Enumerable.Repeat("a\r\n", 1000));

        var errors = form.Validate();

        Assert.Empty(errors);
        Assert.Equal(string.Join('\n', Enumerable.Repeat("a", 1000)), form.ToInquiry().Message);
    }

    [Fact]
    public void A_valid_form_becomes_an_inquiry_with_typed_choices()
    {
        var inquiry = Valid().ToInquiry();

        Assert.Equal("Maria Lopez", inquiry.Name);
        Assert.Equal(ContactMethod.Call, inquiry.Preferred);
        Assert.Equal(CallTime.Morning, inquiry.BestTime);
        Assert.False(inquiry.LeaveMessage);
        Assert.Equal(HelpFor.SomeoneElse, inquiry.Who);
        Assert.True(inquiry.Consent);
    }

    [Fact]
    public void Neither_the_form_nor_the_inquiry_prints_its_values()
    {
        var form = Valid();

        Assert.DoesNotContain("Maria", form.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Maria", form.ToInquiry().ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("🙏", 2000, true)]
    [InlineData("🙏", 2001, false)]
    [InlineData("👨‍👩‍👧", 1000, true)]
    [InlineData("é", 2001, false)]
    public void The_message_limit_counts_characters_as_the_visitor_sees_them(string character, int count, bool valid)
    {
        // An emoji takes two UTF-16 units, a family emoji eight, and "e" with a combining accent two: each is one character
        // on screen. (2,000 family emoji would pass 8,000 units, four per allowed character, the ceiling on size.)
        var form = Valid();
        form.Message = string.Concat(Enumerable.Repeat(character, count));

        var errors = form.Validate();

        Assert.Equal(valid, errors.Count == 0);
        Assert.All(errors, e => Assert.Equal($"Message must be 2,000 characters or fewer (it has {count:N0})", e.Message));
    }

    [Fact]
    public void Accent_marks_stacked_on_one_letter_do_not_slip_a_huge_name_past_the_limit()
    {
        // Each combining mark joins the letter before it, so by what is seen this is a three-letter name.
        var form = Valid();
        form.Name = "Ann" + new string('\u0301', 20_000);

        Assert.Contains(form.Validate(), e => e.Message == "Name must be 100 characters or fewer");
    }

    private static InquiryForm Valid() => new()
    {
        Name = "Maria Lopez",
        Email = "maria@example.net",
        Phone = "954 555 0123",
        Preferred = "Call",
        BestTime = "Morning",
        LeaveMessage = "no",
        Who = "SomeoneElse",
        Consent = "yes",
    };
}
