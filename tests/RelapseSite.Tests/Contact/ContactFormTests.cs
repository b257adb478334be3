using System.Net;
using System.Text.RegularExpressions;

namespace RelapseSite.Tests.Contact;

/// <summary>The form page, the controller's answers, and the spam guards, with mail in the default pickup mode.</summary>
public sealed partial class ContactFormTests : IDisposable
{
    private readonly SiteFactory _site = ContactSite.Create();

    public void Dispose() => _site.Dispose();

    [Fact]
    public async Task The_form_has_visible_labels_autocomplete_and_leaves_validation_to_the_server()
    {
        var response = await _site.CreateVisitor().GetAsync("/contact");
        var html = await response.Content.ReadAsStringAsync();
        var form = FormPattern().Match(html).Value;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("novalidate", form, StringComparison.Ordinal);
        Assert.Contains("method=\"post\" action=\"/contact\"", form, StringComparison.Ordinal);
        foreach (var id in new[] { "name", "email", "phone", "bestTime", "message", "consent", "preferred", "preferred-2", "preferred-3", "leaveMessage", "leaveMessage-2", "who", "who-2" })
        {
            Assert.Matches($"<label[^>]*for=\"{id}\"", form);
            Assert.Matches($"id=\"{id}\"", form);
        }

        Assert.Matches("id=\"name\"[^>]*autocomplete=\"name\"|autocomplete=\"name\"[^>]*id=\"name\"", form);
        Assert.Contains("autocomplete=\"email\"", form, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"tel\"", form, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(form, "<fieldset"));
        Assert.Equal(3, Regex.Count(form, "<legend"));
        Assert.Contains("Please leave out any medical details", form, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", form, StringComparison.Ordinal);
        Assert.DoesNotContain("required", form, StringComparison.Ordinal);
        // No JavaScript: the only script elements are JSON-LD data, which browsers never run.
        Assert.DoesNotMatch("<script(?![^>]*type=\"application/ld\\+json\")", html);
    }

    [Fact]
    public async Task The_form_says_it_is_not_for_emergencies_and_links_the_crisis_numbers_and_privacy_page()
    {
        var html = await _site.CreateVisitor().GetStringAsync("/contact");
        var main = MainPattern().Match(html).Value;

        Assert.Contains("not for emergencies", main, StringComparison.Ordinal);
        CrisisNumbers.AssertLinked(main);
        Assert.Contains("href=\"/privacy\"", main, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_honeypot_is_hidden_from_people_screen_readers_and_autofill()
    {
        var html = await _site.CreateVisitor().GetStringAsync("/contact");

        var trap = Regex.Match(html, "<div class=\"hp\" aria-hidden=\"true\">.*?</div>", RegexOptions.Singleline).Value;
        var input = Regex.Match(trap, "<input[^>]*>").Value;

        Assert.Contains("name=\"contact_reference_hp\"", input, StringComparison.Ordinal);
        Assert.Contains("tabindex=\"-1\"", input, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"off\"", input, StringComparison.Ordinal);
        var css = await File.ReadAllTextAsync(Path.Combine(TestFolders.RepositoryRoot, "src", "RelapseSite", "wwwroot", "css", "site.css"));
        Assert.Matches(@"\.hp \{[^}]*left: -10000px", css);
    }

    [Fact]
    public async Task The_form_page_is_never_cached_because_it_carries_the_visitors_token()
    {
        var response = await _site.CreateVisitor().GetAsync("/contact");

        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_post_is_stored_then_answered_with_303_to_the_thanks_page_and_its_reference()
    {
        var visitor = _site.Visitor();

        var response = await visitor.SendAsync();
        var reference = ContactVisitor.ReferenceOf(response);
        var thanks = await visitor.Client.GetAsync(response.Headers.Location);
        var html = await thanks.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains(OutboxFile.Rows(_site.OutboxPath()), row => row.Id == reference);
        Assert.Equal(HttpStatusCode.OK, thanks.StatusCode);
        Assert.Contains($"<strong class=\"reference\">{reference}</strong>", html, StringComparison.Ordinal);
        Assert.Contains("within one business day", html, StringComparison.Ordinal);
        CrisisNumbers.AssertLinked(html);
        Assert.Contains("<meta name=\"robots\" content=\"noindex\">", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/contact/thanks?ref=%3Cscript%3E")]
    [InlineData("/contact/thanks?ref=ABCD-EFGH")]
    [InlineData("/contact/thanks?ref=")]
    [InlineData("/contact/thanks")]
    public async Task The_thanks_page_says_we_have_a_message_only_for_a_reference_the_outbox_holds(string url)
    {
        var response = await _site.CreateVisitor().GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();

        // A link anyone can type, or a form that tripped the bot trap, must not tell a person their message arrived.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("we have your message", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h1>We can&#x27;t find that message</h1>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"reference\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/contact\"", html, StringComparison.Ordinal);
        CrisisNumbers.AssertLinked(html);
    }

    public static TheoryData<string, string, string, string> InvalidForms() => new()
    {
        // field changed, its new value, the field the error is on, the message
        { "name", "", "name", "Enter your name" },
        { "name", new string('a', 101), "name", "Name must be 100 characters or fewer" },
        { "email", "maria@", "email", "Enter an email address in the correct format, like name@example.com" },
        { "phone", "call me maybe", "phone", "Enter a phone number, like 954 555 0123 or +1 954 555 0123" },
        { "preferred", "", "preferred", "Select how you would like us to reach you" },
        { "preferred", "Pigeon", "preferred", "Select how you would like us to reach you" },
        { "bestTime", "Midnight", "bestTime", "Select a time from the list" },
        { "leaveMessage", "", "leaveMessage", "Select yes if it is OK to leave you a message" },
        { "who", "", "who", "Select who needs help" },
        { "message", new string('x', 2001), "message", "Message must be 2,000 characters or fewer (it has 2,001)" },
        { "consent", "", "consent", "Check the box to let us contact you" },
    };

    [Theory]
    [MemberData(nameof(InvalidForms))]
    public async Task Each_invalid_field_is_shown_again_with_a_summary_an_inline_error_and_every_value_kept(
        string field, string value, string errorField, string message)
    {
        var fields = ContactVisitor.ValidFields();
        fields[field] = value;

        var response = await _site.Visitor().SendAsync(fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertErrorShown(html, errorField, message);
        AssertValuesKept(html, fields.Where(f => !IsUnofferedChoice(f.Key, f.Value)).ToDictionary());
        Assert.Empty(OutboxFile.Rows(_site.OutboxPath()));
    }

    // A choice the form never offered (a forged post) has no radio or option to show it in.
    private static bool IsUnofferedChoice(string field, string value) => (field, value) is ("preferred", "Pigeon") or ("bestTime", "Midnight");

    [Theory]
    [InlineData("Email", "", "email", "Enter your email address, or choose a phone call or a text")]
    [InlineData("Call", "email", "phone", "Enter your phone number so we can call you, or choose email")]
    [InlineData("Text", "email", "phone", "Enter your phone number so we can text you, or choose email")]
    public async Task The_chosen_way_to_reach_you_needs_its_detail(string preferred, string keep, string errorField, string message)
    {
        var fields = ContactVisitor.ValidFields();
        fields["preferred"] = preferred;
        fields[keep == "email" ? "phone" : "email"] = "";

        var response = await _site.Visitor().SendAsync(fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertErrorShown(html, errorField, message);
        Assert.Empty(OutboxFile.Rows(_site.OutboxPath()));
    }

    [Fact]
    public async Task An_empty_form_lists_every_problem_at_once_in_page_order()
    {
        var response = await _site.Visitor().SendAsync(new Dictionary<string, string>());
        var html = await response.Content.ReadAsStringAsync();

        var links = Regex.Matches(html, "<li><a href=\"#([a-zA-Z]+)\">").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["name", "email", "preferred", "leaveMessage", "who", "consent"], links);
    }

    [Fact]
    public async Task A_post_without_an_antiforgery_token_gets_400_and_nothing_is_stored()
    {
        var response = await _site.Visitor().SendAsync(withToken: false);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        Assert.Empty(OutboxFile.Rows(_site.OutboxPath()));
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Origin", "https://localhost")]
    public async Task A_stale_token_on_this_sites_own_form_brings_the_form_back_with_what_was_written(string header, string value)
    {
        // The phone dropped its cookies while the tab slept: the page's token no longer matches any cookie.
        var (_, token, started) = await _site.Visitor().OpenFormAsync();
        var visitor = _site.Visitor();
        var fields = ContactVisitor.ValidFields();
        fields["__RequestVerificationToken"] = token;
        fields["started"] = started;

        var response = await PostWithHeader(visitor, fields, header, value);
        var html = await response.Content.ReadAsStringAsync();
        var again = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = ContactVisitor.HiddenValue(html, "__RequestVerificationToken"),
        };
        var storedBefore = OutboxFile.Rows(_site.OutboxPath()).Count;
        var second = await visitor.PostAsync(again);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Please press send again", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        AssertValuesKept(html, ContactVisitor.ValidFields());
        Assert.Equal(0, storedBefore);
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        Assert.Single(OutboxFile.Rows(_site.OutboxPath()));
    }

    [Theory]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    public async Task A_bad_token_from_another_site_gets_the_400_page_and_never_sees_its_values_in_this_sites_form(string header, string value)
    {
        var fields = ContactVisitor.ValidFields();
        fields["__RequestVerificationToken"] = "CfDJ8-not-a-token";

        var response = await PostWithHeader(_site.Visitor(), fields, header, value);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(fields["name"], html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        Assert.Empty(OutboxFile.Rows(_site.OutboxPath()));
    }

    [Fact]
    public async Task A_NUL_character_pasted_into_the_form_is_dropped_and_the_message_is_stored_with_every_other_word()
    {
        // A paste can carry U+0000; the framework's form reader refuses a whole form over one.
        var visitor = _site.Visitor();
        var fields = await visitor.FilledFormAsync();
        fields["message"] = "Pasted from my notes:\0 I need help for my brother.";

        var response = await PostWithHeader(visitor, fields, "Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var file = Path.Combine(_site.DataRoot, "mail", ContactVisitor.ReferenceOf(response) + ".eml");
        await Eventually.Get(() => Task.FromResult(File.Exists(file)), exists => exists);
        var mail = await MimeKit.MimeMessage.LoadAsync(file);

        Assert.Contains("Pasted from my notes: I need help for my brother.", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(_site.Logs.Events, e => e.Level >= Serilog.Events.LogEventLevel.Error);
    }

    [Fact]
    public async Task A_NUL_character_in_a_chunked_post_is_dropped_too()
    {
        // No Content-Length: chunked over HTTP/1.1, or a proxy that streams the body.
        var visitor = _site.Visitor();
        var fields = await visitor.FilledFormAsync();
        fields["message"] = "Line one\0 and line two.";
        var body = new System.IO.Pipelines.Pipe();
        await body.Writer.WriteAsync(await new FormUrlEncodedContent(fields).ReadAsByteArrayAsync());
        await body.Writer.CompleteAsync();
        var content = new StreamContent(body.Reader.AsStream());
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        var request = new HttpRequestMessage(HttpMethod.Post, "/contact") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");

        var response = await visitor.Client.SendAsync(request);

        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    [Fact]
    public async Task A_body_the_form_reader_refuses_from_this_sites_own_form_brings_the_form_back_empty_with_the_phone_number()
    {
        // Over the 100 fields the form reader takes: nothing in it can be read, not even the token.
        var visitor = _site.Visitor();
        var (_, token, _) = await visitor.OpenFormAsync();
        var fields = Enumerable.Range(0, 101).ToDictionary(i => $"extra{i}", _ => "x");
        fields["__RequestVerificationToken"] = token;

        var response = await PostWithHeader(visitor, fields, "Sec-Fetch-Site", "same-origin");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Please write your message again", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        Assert.Contains("<form", html, StringComparison.Ordinal);
        Assert.Empty(OutboxFile.Rows(_site.OutboxPath()));
        Assert.DoesNotContain(_site.Logs.Events, e => e.Level >= Serilog.Events.LogEventLevel.Error);
    }

    private static Task<HttpResponseMessage> PostWithHeader(ContactVisitor visitor, Dictionary<string, string> fields, string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/contact") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.TryAddWithoutValidation(header, value);
        return visitor.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_token_from_another_visitor_gets_400()
    {
        var (_, someoneElsesToken, started) = await _site.Visitor().OpenFormAsync();
        var visitor = _site.Visitor();
        await visitor.OpenFormAsync();
        var form = ContactVisitor.ValidFields();
        form["__RequestVerificationToken"] = someoneElsesToken;
        form["started"] = started;

        var response = await visitor.PostAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(OutboxFile.Rows(_site.OutboxPath()));
    }

    [Fact]
    public async Task A_post_that_fills_the_honeypot_is_redirected_as_usual_but_nothing_is_stored_and_its_thanks_page_asks_to_call()
    {
        var fields = ContactVisitor.ValidFields();
        fields["contact_reference_hp"] = "https://spam.example";
        var visitor = _site.Visitor();

        var response = await visitor.SendAsync(fields);
        var thanks = await visitor.Client.GetStringAsync(response.Headers.Location);
        await Task.Delay(700);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        ContactVisitor.ReferenceOf(response);
        // A bot gets the usual redirect; a person whose browser filled the hidden field is not told it arrived.
        Assert.Contains("We can&#x27;t find that message", thanks, StringComparison.Ordinal);
        Assert.Empty(OutboxFile.Rows(_site.OutboxPath()));
        Assert.False(Directory.Exists(Path.Combine(_site.DataRoot, "mail")) && Directory.EnumerateFiles(Path.Combine(_site.DataRoot, "mail")).Any());
        Assert.Contains(_site.Logs.Lines, line => line.Contains("honeypot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_post_sooner_than_the_minimum_fill_time_is_shown_again_and_sent_on_the_second_try()
    {
        using var site = ContactSite.Create().Set("Contact:MinimumFillSeconds", "2");
        var visitor = site.Visitor();

        var tooFast = await visitor.SendAsync();
        var html = await tooFast.Content.ReadAsStringAsync();
        var storedAfterFirst = OutboxFile.Rows(site.OutboxPath()).Count;
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var again = ContactVisitor.ValidFields();
        again["__RequestVerificationToken"] = ContactVisitor.HiddenValue(html, "__RequestVerificationToken");
        again["started"] = ContactVisitor.HiddenValue(html, "started");
        var second = await visitor.PostAsync(again);

        Assert.Equal(HttpStatusCode.OK, tooFast.StatusCode);
        Assert.Contains("Please check your details and send again", html, StringComparison.Ordinal);
        AssertValuesKept(html, ContactVisitor.ValidFields());
        Assert.Equal(0, storedAfterFirst);
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        Assert.Single(OutboxFile.Rows(site.OutboxPath()));
    }

    [Fact]
    public async Task A_post_too_soon_with_mistakes_shows_what_to_fix_at_once()
    {
        using var site = ContactSite.Create().Set("Contact:MinimumFillSeconds", "2");
        var fields = ContactVisitor.ValidFields();
        fields["email"] = "not-an-address";

        var response = await site.Visitor().SendAsync(fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("There is a problem", html, StringComparison.Ordinal);
        Assert.Contains("Enter an email address in the correct format", html, StringComparison.Ordinal);
        AssertValuesKept(html, fields);
        Assert.Empty(OutboxFile.Rows(site.OutboxPath()));
    }

    [Fact]
    public async Task A_forged_fill_time_stamp_counts_as_too_fast()
    {
        using var site = ContactSite.Create().Set("Contact:MinimumFillSeconds", "2");
        var fields = ContactVisitor.ValidFields();
        fields["started"] = "0";

        var response = await site.Visitor().SendAsync(fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Please check your details and send again", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(OutboxFile.Rows(site.OutboxPath()));
    }

    [Fact]
    public async Task When_the_outbox_cannot_be_written_the_form_comes_back_with_the_values_and_the_phone_number()
    {
        await _site.BreakOutboxAsync();

        var response = await _site.Visitor().SendAsync();
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Sorry, your message was not sent", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        Assert.StartsWith("Error: ", TitleOf(html), StringComparison.Ordinal);
        AssertValuesKept(html, ContactVisitor.ValidFields());
    }

    internal static void AssertErrorShown(string html, string field, string message)
    {
        var encoded = Html(message);
        Assert.StartsWith("Error: ", TitleOf(html), StringComparison.Ordinal);
        Assert.Matches("<div class=\"error-summary\"[^>]*tabindex=\"-1\"", html);
        Assert.Contains("<h2 id=\"error-summary-title\">There is a problem</h2>", html, StringComparison.Ordinal);
        Assert.Contains($"<li><a href=\"#{field}\">{encoded}</a></li>", html, StringComparison.Ordinal);
        Assert.Contains($"<p id=\"{field}-error\" class=\"error-message\"><span class=\"visually-hidden\">Error: </span>{encoded}</p>", html, StringComparison.Ordinal);

        // The field (or its fieldset) names the message in aria-describedby, and the linked id exists.
        Assert.Matches($"aria-describedby=\"[^\"]*\\b{field}-error\\b", html);
        Assert.Matches($"id=\"{field}\"", html);
    }

    internal static void AssertValuesKept(string html, IReadOnlyDictionary<string, string> fields)
    {
        foreach (var (name, value) in fields)
        {
            if (value.Length == 0)
            {
                continue;
            }

            var kept = name switch
            {
                "message" => html.Contains($">{Html(value)}</textarea>", StringComparison.Ordinal),
                "bestTime" => Regex.IsMatch(html, $"<option value=\"{value}\" selected=\"selected\">"),
                "preferred" or "leaveMessage" or "who" or "consent" =>
                    Regex.IsMatch(html, $"name=\"{name}\" value=\"{Regex.Escape(value)}\" checked=\"checked\""),
                _ => html.Contains($"value=\"{Html(value)}\"", StringComparison.Ordinal),
            };
            Assert.True(kept, $"the form did not keep the value of '{name}'");
        }
    }

    /// <summary>Encoded the way Razor encodes, so a test can find exactly what the page shows.</summary>
    internal static string Html(string value) => System.Text.Encodings.Web.HtmlEncoder.Default.Encode(value);

    internal static string TitleOf(string html) => WebUtility.HtmlDecode(Regex.Match(html, "<title>([^<]*)</title>").Groups[1].Value);

    [GeneratedRegex("<form class=\"contact-form\".*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<main.*?</main>", RegexOptions.Singleline)]
    private static partial Regex MainPattern();
}
