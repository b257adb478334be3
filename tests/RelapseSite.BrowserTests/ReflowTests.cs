namespace RelapseSite.BrowserTests;

/// <summary>
/// WCAG 1.4.10 Reflow: at 320 CSS pixels wide (a small phone, or 1280 at 400% zoom) nothing needs scrolling sideways.
/// Phone numbers in the text stay on one line, so nobody has to piece one together to dial it.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class ReflowTests(BrowserFixture browser)
{
    /// <summary>Elements wider than the window, as readable lines; empty when the page fits.</summary>
    private const string Overflowing = """
        () => [...document.querySelectorAll('body *')]
          .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
          .map(el => `${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''} ends at ${Math.round(el.getBoundingClientRect().right)}px: ${el.outerHTML.slice(0, 80)}`)
        """;

    /// <summary>Phone links in the main text that the browser broke across lines.</summary>
    private const string BrokenPhoneNumbers = """
        () => [...document.querySelectorAll('main a[href^="tel:"]')]
          .filter(a => a.getClientRects().length > 1)
          .map(a => a.textContent)
        """;

    /// <summary>
    /// Phone numbers in the crisis strip, header and footer that the browser broke across lines. The link may hold words
    /// too ("SAMHSA Helpline 1-800-662-4357"), and those may wrap: only the number itself, a text range, must stay on one
    /// line. Lines are told apart by the tops of the range's boxes.
    /// </summary>
    private const string BrokenPhoneNumbersOutsideMain = """
        () => [...document.querySelectorAll('a[href^="tel:"]')].filter(a => !a.closest('main')).flatMap(a => {
          const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
          const nodes = [];
          for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
          const text = nodes.map(n => n.data).join('');
          const number = /\(?\d[\d().\s-]*\d/.exec(text);
          if (!number) return [`no number in: ${a.outerHTML}`];
          const at = index => {
            for (const node of nodes) { if (index <= node.data.length) return [node, index]; index -= node.data.length; }
          };
          const range = document.createRange();
          range.setStart(...at(number.index));
          range.setEnd(...at(number.index + number[0].length));
          const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
          return lines.size > 1 ? [`"${number[0]}" on ${lines.size} lines in: ${a.outerHTML}`] : [];
        })
        """;

    [BrowserFact]
    public async Task Every_page_fits_a_320_pixel_screen_without_sideways_scrolling()
    {
        await using var context = await browser.NewContextAsync(width: 320, height: 640);
        var page = await context.NewPageAsync();
        var problems = new List<string>();

        foreach (var path in browser.SitemapPaths.Append("/no-such-page"))
        {
            await page.GotoAsync(path);
            var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            if (scrollWidth > 320)
            {
                problems.Add($"{path}: {scrollWidth}px wide");
                problems.AddRange((await page.EvaluateAsync<string[]>(Overflowing)).Select(line => $"  {line}"));
            }
        }

        Assert.True(browser.SitemapPaths.Count >= 12, $"the sitemap lists only {browser.SitemapPaths.Count} pages");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [BrowserFact]
    public async Task The_check_does_see_a_page_that_is_too_wide()
    {
        await using var context = await browser.NewContextAsync(width: 320, height: 640);
        var page = await context.NewPageAsync();
        await page.SetContentAsync("<html><body><main><p style='width:500px'>wide</p></main></body></html>");

        var overflowing = await page.EvaluateAsync<string[]>(Overflowing);

        Assert.Contains(overflowing, line => line.StartsWith("p ends at", StringComparison.Ordinal));
    }

    [BrowserTheory]
    [InlineData("/")]
    [InlineData("/contact")]
    [InlineData("/guide/if-you-relapse")]
    public async Task Phone_numbers_in_the_text_never_break_across_lines(string path)
    {
        await using var context = await browser.NewContextAsync(width: 320, height: 640);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);

        var phoneLinks = await page.Locator("main a[href^='tel:']").CountAsync();
        var broken = await page.EvaluateAsync<string[]>(BrokenPhoneNumbers);

        Assert.True(phoneLinks >= 2, $"expected phone links in the text of {path}, found {phoneLinks}");
        Assert.Empty(broken);
    }

    /// <summary>
    /// The crisis strip, header and footer: a 280 pixel screen (a folding phone's cover screen), and 320 pixels with the
    /// browser's text size turned up. The site's sizes are in rem, so a larger root font size is the same as that setting.
    /// The page must still fit, so a number kept whole may not push the strip past the edge.
    /// </summary>
    [BrowserTheory]
    [InlineData(280, 100)]
    [InlineData(320, 100)]
    [InlineData(320, 125)]
    [InlineData(320, 150)]
    [InlineData(360, 150)]
    public async Task Phone_numbers_outside_the_text_never_break_across_lines(int width, int textSizePercent)
    {
        await using var context = await browser.NewContextAsync(width: width, height: 640);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.EvaluateAsync("percent => { document.documentElement.style.fontSize = percent + '%'; }", textSizePercent);

        var phoneLinks = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('a[href^=\"tel:\"]')].filter(a => !a.closest('main')).length");
        var broken = await page.EvaluateAsync<string[]>(BrokenPhoneNumbersOutsideMain);
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");

        Assert.True(phoneLinks >= 5, $"expected the strip's, header's and footer's phone links, found {phoneLinks}");
        Assert.True(broken.Length == 0, string.Join(Environment.NewLine, broken));
        Assert.True(scrollWidth <= width, $"{scrollWidth}px wide: {string.Join("; ", await page.EvaluateAsync<string[]>(Overflowing))}");
    }
}
