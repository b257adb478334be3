using Microsoft.Playwright;

namespace RelapseSite.BrowserTests;

/// <summary>
/// Loading a page asks nothing of any other origin: no fonts, CDNs, analytics or trackers. A tracker on an
/// addiction-service page is a privacy breach. And nothing the page loads is refused by the CSP or fails.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class RequestTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task No_page_requests_anything_from_another_origin_or_logs_an_error()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var requests = new List<string>();
        var console = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                console.Add($"{page.Url}: {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => console.Add($"{page.Url}: {error}");

        foreach (var path in browser.SitemapPaths.Append("/no-such-page"))
        {
            await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
        }

        // The 404 logs its own status as a console error in Chromium; nothing else may.
        console.RemoveAll(line => line.Contains("/no-such-page: error: Failed to load resource: the server responded with a status of 404", StringComparison.Ordinal));
        var origin = browser.Address.GetLeftPart(UriPartial.Authority);
        // The stylesheet's name carries its fingerprint: /css/site.{hash}.css.
        Assert.Contains(requests, r => r.StartsWith(origin + "/css/site.", StringComparison.Ordinal) && r.EndsWith(".css", StringComparison.Ordinal));
        Assert.All(requests, url => Assert.Equal(origin, new Uri(url).GetLeftPart(UriPartial.Authority)));
        Assert.True(console.Count == 0, string.Join(Environment.NewLine, console));
    }

    [BrowserFact]
    public async Task The_json_ld_is_in_the_page_and_the_content_security_policy_is_enforced()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) => violations.Add(message.Text);

        var response = await page.GotoAsync("/guide/overdose-risk");
        var jsonLd = await page.Locator("script[type='application/ld+json']").AllTextContentsAsync();

        // An inline script added now must be refused: proof that the policy is live, so the JSON-LD above passed it.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.head.append(s); }");
        var injected = await page.EvaluateAsync<bool>("() => window.injected === 1");

        Assert.Equal(2, jsonLd.Count);
        Assert.Contains("default-src 'self'", (await response!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        Assert.False(injected);
        Assert.Contains(violations, v => v.Contains("Content Security Policy", StringComparison.Ordinal));
    }
}
