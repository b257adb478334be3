using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace RelapseSite.BrowserTests;

/// <summary>
/// The contact form in a real browser: its error state and thanks page pass axe and the Nu checker, it can be filled
/// and sent by keyboard alone, and it works with JavaScript off. Fields are found by their visible labels and roles,
/// not ids, so the tests survive renamed fields.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class ContactFormBrowserTests(BrowserFixture browser)
{
    /// <summary>Where Tab goes, what the focused control is, and how its label and group read.</summary>
    private const string DescribeFocus = """
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          return {
            tag: el.tagName.toLowerCase(),
            type: (el.getAttribute('type') ?? '').toLowerCase(),
            label: [...(el.labels ?? [])].map(l => l.innerText).join(' '),
            group: el.closest('fieldset')?.querySelector('legend')?.innerText ?? '',
            checked: el.checked === true,
            inForm: el.closest('form[method="post" i]') !== null,
          };
        }
        """;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    [BrowserFact]
    public async Task The_form_in_its_error_state_has_no_axe_violations_and_valid_html()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/contact");

        var response = await page.RunAndWaitForResponseAsync(() => Submit(page).ClickAsync(), r => r.Request.Method == "POST");
        var html = await response.TextAsync();
        var problems = await AccessibilityTests.Violations(page, "/contact (errors)");
        var small = (await TargetSizeTests.Measure(page, "form a, form button, form input, form select, form textarea"))
            .Where(t => t.Width < 24 || t.Height < 24).ToList();

        Assert.True(await page.GetByText("There is a problem").IsVisibleAsync(), "no error summary after sending an empty form");
        Assert.EndsWith("/contact", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.True(small.Count == 0, string.Join(Environment.NewLine, small.Select(t => $"{t.Width:0.#}x{t.Height:0.#}: {t.Html}")));
        if (NuChecker.SkipReason is null)
        {
            Assert.Empty(await CheckHtml(html));
        }
    }

    [BrowserFact]
    public async Task The_form_can_be_filled_and_sent_with_the_keyboard_alone()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/contact");
        var mailBefore = MailCount();
        var done = new List<string>();

        IResponse? answer = null;
        for (var i = 0; i < 80 && answer is null; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focus = await FocusOf(page);
            if (focus is null || !focus.InForm)
            {
                continue;
            }

            var what = $"{focus.Group} {focus.Label}";
            switch (focus.Tag, focus.Type)
            {
                case ("textarea", _):
                    await page.Keyboard.TypeAsync("I used again last week and I want to talk about coming back.");
                    done.Add("message");
                    break;
                case ("input", "email"):
                case ("input", _) when Regex.IsMatch(focus.Label, "e-?mail", RegexOptions.IgnoreCase) && focus.Type is "" or "text":
                    await page.Keyboard.TypeAsync("sam@example.org");
                    done.Add("email");
                    break;
                case ("input", "tel"):
                case ("input", "" or "text") when Regex.IsMatch(focus.Label, "phone", RegexOptions.IgnoreCase):
                    await page.Keyboard.TypeAsync("954-555-0100");
                    done.Add("phone");
                    break;
                case ("input", "" or "text") when Regex.IsMatch(focus.Label, "name", RegexOptions.IgnoreCase):
                    await page.Keyboard.TypeAsync("Sam Rivera");
                    done.Add("name");
                    break;
                case ("input", "radio" or "checkbox") when !focus.Checked:
                    // Tab lands on a radio group's first option; Space chooses it. Space ticks a checkbox.
                    await page.Keyboard.PressAsync("Space");
                    done.Add(what);
                    break;
                case ("button", _):
                case ("input", "submit"):
                    // The post's own answer is kept, so a failure says what the server said, not only that nothing moved.
                    answer = await page.RunAndWaitForResponseAsync(
                        () => page.Keyboard.PressAsync("Enter"), r => r.Request.Method == "POST", new() { Timeout = 30_000 });
                    break;
            }
        }

        Assert.True(answer is not null, $"Tab never reached the send button; filled: {string.Join(", ", done)}");
        if (answer.Status != 303)
        {
            // A redirect has no body to read, so the page is only read when the form came back.
            Assert.Fail($"the post answered {answer.Status}, not 303; filled: {string.Join(", ", done)}; page: {Excerpt(await answer.TextAsync())}");
        }

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/contact/thanks", new() { Timeout = 30_000, WaitUntil = WaitUntilState.Commit });

        Assert.EndsWith("/contact/thanks", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("name", done);
        Assert.Contains("email", done);
        Assert.Contains("message", done);
        Assert.True(await MailArrives(mailBefore), $"no mail in {browser.Site.MailFolder}");
    }

    [BrowserFact]
    public async Task With_javascript_off_the_form_reaches_the_thanks_page_and_it_has_no_axe_violations()
    {
        await using var noScript = await browser.NewContextAsync(javaScript: false);
        var page = await noScript.NewPageAsync();
        await page.GotoAsync("/contact");
        var mailBefore = MailCount();

        await Fill(page);
        await Submit(page).ClickAsync();
        // Commit, not Load: the thanks page's URL is what proves the post went through; its load event can race the wait.
        await page.WaitForURLAsync(new Regex("/contact/thanks"), new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("h1").WaitForAsync();
        var thanksHtml = await (await browser.CreateHttpClient().GetAsync(new Uri(page.Url).PathAndQuery)).Content.ReadAsStringAsync();

        // axe is a script, so the thanks page is scanned again in a browser with JavaScript on.
        await using var withScript = await browser.NewContextAsync();
        var scanned = await withScript.NewPageAsync();
        await scanned.GotoAsync(new Uri(page.Url).PathAndQuery);
        var problems = await AccessibilityTests.Violations(scanned, "/contact/thanks");

        Assert.True(await page.Locator("h1").IsVisibleAsync());
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.True(await MailArrives(mailBefore), $"no mail in {browser.Site.MailFolder}");
        if (NuChecker.SkipReason is null)
        {
            Assert.Empty(await CheckHtml(thanksHtml));
        }
    }

    [BrowserFact]
    public async Task When_the_browser_lost_its_cookies_the_form_comes_back_with_what_was_written_and_the_next_press_sends_it()
    {
        // A phone that dropped its cookies while the tab slept: the page's token no longer matches anything.
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/contact");
        var mailBefore = MailCount();
        await Fill(page);
        await context.ClearCookiesAsync();

        var first = await page.RunAndWaitForResponseAsync(() => Submit(page).ClickAsync(), r => r.Request.Method == "POST");
        await page.WaitForLoadStateAsync();
        var kept = await Message(page).InputValueAsync();
        var notice = await page.GetByText("Please press send again").IsVisibleAsync();
        var mailAfterFirst = MailCount();
        await Submit(page).ClickAsync();
        await page.WaitForURLAsync(new Regex("/contact/thanks"), new() { WaitUntil = WaitUntilState.Commit });

        Assert.Equal(400, first.Status);
        Assert.True(notice, "no 'Please press send again' notice");
        Assert.Equal("I used again last week and I want to talk about coming back.", kept);
        Assert.Equal(mailBefore, mailAfterFirst);
        Assert.EndsWith("/contact/thanks", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.True(await MailArrives(mailBefore), $"no mail in {browser.Site.MailFolder}");
    }

    /// <summary>
    /// Where the focused field's label (or its group's legend), hint and error message are against the viewport: the
    /// texts a sighted person needs to see to mend the field. The hint and message are what aria-describedby names, on
    /// the control or on its fieldset.
    /// </summary>
    private const string DescribeFieldInView = """
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const fieldset = el.closest('fieldset');
          const label = el.type === 'radio' ? fieldset?.querySelector('legend') : el.labels?.[0];
          const describedBy = [el, fieldset].flatMap(e => (e?.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
          const texts = [label, ...describedBy.map(id => document.getElementById(id))].filter(Boolean);
          const control = el.getBoundingClientRect();
          return {
            id: el.id,
            texts: texts.map(t => `${Math.round(t.getBoundingClientRect().top)}: ${t.innerText.trim().slice(0, 40)}`),
            textsInView: texts.length >= 2 && texts.every(t => t.getBoundingClientRect().top >= 0),
            controlInView: control.top >= 0 && control.top < innerHeight,
          };
        }
        """;

    /// <summary>
    /// The no-JavaScript GOV.UK pattern: a summary link jumps to the field's control, and the label or legend, hint and
    /// error message above it must still be on screen: on a small phone, with the browser's text size at 125% (the
    /// site's sizes are in rem, so a larger root font size is the same setting), and on a phone held sideways, where the
    /// control itself must not be pushed off the bottom. The message field's long hint is the tallest, so its error
    /// comes from a message over the limit.
    /// </summary>
    [BrowserTheory]
    [InlineData(390, 700, 100)]
    [InlineData(320, 568, 100)]
    [InlineData(320, 568, 125)]
    [InlineData(568, 320, 100)]
    public async Task Following_an_error_summary_link_shows_the_fields_label_and_error_message(int width, int height, int textSizePercent)
    {
        await using var context = await browser.NewContextAsync(width, height);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/contact");
        await page.GetByRole(AriaRole.Textbox, new() { NameRegex = new Regex("name", RegexOptions.IgnoreCase) }).First.FillAsync("Sam Rivera");
        await page.GetByRole(AriaRole.Textbox, new() { NameRegex = new Regex("e-?mail", RegexOptions.IgnoreCase) }).FillAsync("sam@gmail");
        await page.GetByRole(AriaRole.Textbox, new() { NameRegex = new Regex("phone", RegexOptions.IgnoreCase) }).FillAsync("call me");
        await Message(page).FillAsync(new string('a', 2001));
        await page.RunAndWaitForResponseAsync(() => Submit(page).ClickAsync(), r => r.Request.Method == "POST");
        await page.EvaluateAsync("percent => { document.documentElement.style.fontSize = percent + '%'; }", textSizePercent);
        var links = page.GetByRole(AriaRole.Alert).GetByRole(AriaRole.Link);
        var problems = new List<string>();

        var count = await links.CountAsync();
        for (var i = 0; i < count; i++)
        {
            var target = (await links.Nth(i).GetAttributeAsync("href"))?.TrimStart('#');
            await links.Nth(i).FocusAsync();
            await page.Keyboard.PressAsync("Enter");

            // The jump is a navigation within the page: it scrolls and then focuses the target, after Enter returns.
            try
            {
                await page.WaitForFunctionAsync("id => document.activeElement?.id === id", target, new() { Timeout = 5_000 });
            }
            catch (TimeoutException)
            {
                problems.Add($"after '{await links.Nth(i).InnerTextAsync()}': focus did not reach #{target}");
                continue;
            }

            var field = (await page.EvaluateAsync<JsonElement?>(DescribeFieldInView))?.Deserialize<FieldInView>(JsonOptions);
            if (field is null || !field.TextsInView || !field.ControlInView)
            {
                problems.Add($"after '{await links.Nth(i).InnerTextAsync()}': {(field is null ? "nothing focused" : $"#{field.Id}, texts at {string.Join(" | ", field.Texts)}")}");
            }
        }

        Assert.True(count >= 6, $"expected errors for email, phone, the three choices, message and consent; got {count} links");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>
    /// Printed or saved as a PDF, the thanks page keeps what a person would print it for: the heading and the reference.
    /// Browsers print without background colours by default, so text must be dark on its own, against white paper.
    /// </summary>
    [BrowserTheory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task The_thanks_page_prints_its_heading_and_reference_in_dark_text(ColorScheme scheme)
    {
        await using var context = await browser.NewContextAsync(colorScheme: scheme);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/contact");
        await Fill(page);
        var post = await page.RunAndWaitForRequestAsync(() => Submit(page).ClickAsync(), r => r.Method == "POST");
        await page.WaitForURLAsync(new Regex("/contact/thanks"), new() { WaitUntil = WaitUntilState.Commit });
        var reference = new Uri(page.Url).Query.Split("ref=")[1];
        await page.GetByText(reference).WaitForAsync();

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        var heading = await ContrastOnPaper(page.GetByRole(AriaRole.Heading, new() { Level = 1 }));
        var referenceText = await ContrastOnPaper(page.GetByText(reference));

        Assert.True(heading >= 4.5, $"the heading prints at {heading:0.0}:1 on white paper");
        Assert.True(referenceText >= 4.5, $"the reference prints at {referenceText:0.0}:1 on white paper");
        // Under Referrer-Policy same-origin the post names this site as its Origin (no-referrer would make it "null"),
        // which is what tells a stale token on this site's own form from a forgery where Sec-Fetch-Site is missing.
        Assert.Equal(new Uri(page.Url).GetLeftPart(UriPartial.Authority), await post.HeaderValueAsync("origin"));
    }

    [BrowserTheory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task The_contact_form_prints_its_send_button_in_dark_text(ColorScheme scheme)
    {
        await using var context = await browser.NewContextAsync(colorScheme: scheme);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/contact");

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        var button = await ContrastOnPaper(Submit(page));

        Assert.True(button >= 4.5, $"the send button prints at {button:0.0}:1 on white paper");
    }

    /// <summary>The WCAG contrast of an element's text colour with white.</summary>
    private static Task<double> ContrastOnPaper(ILocator text) => text.EvaluateAsync<double>("""
        el => {
          const [r, g, b] = getComputedStyle(el).color.match(/[\d.]+/g).map(Number)
            .map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
          return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
        }
        """);

    /// <summary>Fills every required field the way a visitor reads them: by label, role and group.</summary>
    private static async Task Fill(IPage page)
    {
        await page.GetByRole(AriaRole.Textbox, new() { NameRegex = new Regex("name", RegexOptions.IgnoreCase) }).First.FillAsync("Sam Rivera");
        await page.GetByRole(AriaRole.Textbox, new() { NameRegex = new Regex("e-?mail", RegexOptions.IgnoreCase) }).FillAsync("sam@example.org");
        await page.GetByRole(AriaRole.Textbox, new() { NameRegex = new Regex("phone", RegexOptions.IgnoreCase) }).FillAsync("954-555-0100");
        await Message(page).FillAsync("I used again last week and I want to talk about coming back.");

        // Radio groups (how to reach you, OK to leave a message, who needs help): the first choice of each.
        foreach (var group in await page.GetByRole(AriaRole.Group).AllAsync())
        {
            var radios = group.GetByRole(AriaRole.Radio);
            if (await radios.CountAsync() > 0)
            {
                await radios.First.CheckAsync();
            }
        }

        await page.GetByRole(AriaRole.Checkbox).CheckAsync();
    }

    /// <summary>The error summary or notice of a re-shown form, or the start of the page, for a failure message.</summary>
    private static string Excerpt(string html)
    {
        var text = Regex.Replace(Regex.Replace(html, "(?s)<head.*?</head>|<[^>]+>", " "), @"\s+", " ").Trim();
        var at = text.IndexOf("There is a problem", StringComparison.Ordinal);
        return text[Math.Max(0, at)..][..Math.Min(600, text.Length - Math.Max(0, at))];
    }

    private static ILocator Message(IPage page) =>
        page.GetByRole(AriaRole.Textbox, new() { NameRegex = new Regex("message|help you|tell us", RegexOptions.IgnoreCase) }).Last;

    private static ILocator Submit(IPage page) =>
        page.Locator("form[method='post' i]").GetByRole(AriaRole.Button, new() { NameRegex = new Regex("send|submit", RegexOptions.IgnoreCase) });

    private static async Task<Focus?> FocusOf(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement?>(DescribeFocus);
        return json is { ValueKind: JsonValueKind.Object } value ? value.Deserialize<Focus>(JsonOptions) : null;
    }

    private int MailCount() => Directory.Exists(browser.Site.MailFolder)
        ? Directory.EnumerateFiles(browser.Site.MailFolder, "*", SearchOption.AllDirectories).Count()
        : 0;

    /// <summary>Waits for one more message in the pickup folder than there was before the form was sent.</summary>
    private async Task<bool> MailArrives(int before)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (MailCount() > before)
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static async Task<IReadOnlyList<string>> CheckHtml(string html)
    {
        var folder = Directory.CreateTempSubdirectory("relapsesite-vnu-");
        try
        {
            var file = Path.Combine(folder.FullName, "page.html");
            await File.WriteAllTextAsync(file, html);
            return await NuChecker.Errors([file]);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed record FieldInView(string Id, string[] Texts, bool TextsInView, bool ControlInView);

    private sealed record Focus(string Tag, string Type, string Label, string Group, bool Checked, bool InForm);
}
