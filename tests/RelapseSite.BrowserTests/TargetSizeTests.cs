using System.Text.Json;
using Microsoft.Playwright;

namespace RelapseSite.BrowserTests;

/// <summary>
/// WCAG 2.5.8: every control a visitor must hit is at least 24 by 24 CSS pixels. Links inside a sentence are exempt
/// (the inline exception); the crisis strip, navigation, table of contents, pager, footer and form are not.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class TargetSizeTests(BrowserFixture browser)
{
    public const string Targets = ".crisis a, .site-header a, .toc a, .pager a, .site-footer a, form a, form button, form input, form select, form textarea";

    /// <summary>Visible, reachable targets smaller than 24 by 24, as readable lines.</summary>
    private const string SmallTargets = """
        (selector) => [...document.querySelectorAll(selector)]
          .filter(el => el.type !== 'hidden' && el.getAttribute('tabindex') !== '-1' && !el.closest('[aria-hidden="true"], [hidden]'))
          .map(el => ({ el, box: el.getBoundingClientRect() }))
          .filter(({ box }) => box.width > 0 && box.height > 0)
          .map(({ el, box }) => ({ html: el.outerHTML.slice(0, 100), width: box.width, height: box.height }))
        """;

    [BrowserTheory]
    [InlineData("/", 375)]
    [InlineData("/", 1280)]
    [InlineData("/guide/warning-signs", 375)]
    [InlineData("/contact", 375)]
    [InlineData("/privacy", 375)]
    [InlineData("/no-such-page", 375)]
    public async Task Controls_are_at_least_24_by_24_pixels(string path, int width)
    {
        await using var context = await browser.NewContextAsync(width);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);

        var targets = await Measure(page, Targets);

        Assert.True(targets.Count >= 8, $"found only {targets.Count} targets on {path}");
        Assert.All(targets, t => Assert.True(t.Width >= 24 && t.Height >= 24, $"{t.Width:0.#}x{t.Height:0.#}: {t.Html}"));
    }

    public static async Task<List<Target>> Measure(IPage page, string selector)
    {
        var json = await page.EvaluateAsync<JsonElement>(SmallTargets, selector);
        return json.Deserialize<List<Target>>(JsonOptions) ?? [];
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public sealed record Target(string Html, double Width, double Height);
}
