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
    public void Email_addresses_are_checked(string email, bool valid) => Assert.Equal(valid, InquiryForm.IsEmail(email));

    [Fact]
    public void One_line_fields_lose_every_kind_of_line_break()
    {
        var cleaned = InquiryForm.SingleLine("  Maria\r\nBcc: x@evil.example\u2028X-A: 1\u0085\tLopez  ");

        Assert.Equal("Maria Bcc: x@evil.example X-A: 1 Lopez", cleaned);
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
