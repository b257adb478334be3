using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace RelapseSite.BrowserTests;

/// <summary>axe-core finds no WCAG 2.0, 2.1 or 2.2 A/AA violation, and no best-practice one, on any page.</summary>
[Collection(BrowserSuite.Name)]
public sealed class AccessibilityTests(BrowserFixture browser)
{
    public static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

    [BrowserTheory]
    [InlineData(375, "light")]
    [InlineData(1280, "light")]
    [InlineData(375, "dark")]
    public async Task Every_page_in_the_sitemap_has_no_axe_violations(int width, string scheme)
    {
        await using var context = await browser.NewContextAsync(width, colorScheme: scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light);
        var page = await context.NewPageAsync();
        var problems = new List<string>();

        foreach (var path in browser.SitemapPaths)
        {
            await page.GotoAsync(path);
            problems.AddRange(await Violations(page, path));
        }

        Assert.True(browser.SitemapPaths.Count >= 12, $"the sitemap lists only {browser.SitemapPaths.Count} pages");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [BrowserTheory]
    [InlineData("/no-such-page", 404)]
    [InlineData(BrowserSite.FailingPath, 500)]
    public async Task Error_pages_have_no_axe_violations(string path, int status)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(path);
        var problems = await Violations(page, path);

        Assert.Equal(status, response!.Status);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [BrowserFact]
    public async Task Axe_does_report_violations_on_a_page_built_to_fail()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SetContentAsync("<html><body><p style='color:#999;background:#aaa'>faint</p><img src='x.png'><a href='/'></a></body></html>");

        var problems = await Violations(page, "broken");

        Assert.Contains(problems, p => p.Contains("color-contrast", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("image-alt", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("html-has-lang", StringComparison.Ordinal));
    }

    /// <summary>Each violation as one readable line: page, rule, what it means, and where.</summary>
    public static async Task<List<string>> Violations(IPage page, string label)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. Tags] },
            ResultTypes = [ResultType.Violations],
        });
        return [.. result.Violations.Select(v =>
            $"{label}: {v.Id} ({v.Impact}): {v.Help} at {string.Join(" | ", v.Nodes.Select(n => n.Target.ToString()))}")];
    }
}
