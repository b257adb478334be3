using System.Text.Json;
using Microsoft.Playwright;

namespace RelapseSite.BrowserTests;

/// <summary>Someone who cannot use a mouse reaches help first and always sees where they are.</summary>
[Collection(BrowserSuite.Name)]
public sealed class KeyboardTests(BrowserFixture browser)
{
    /// <summary>
    /// What the focused element looks like: its first line box against the viewport, whether the element drawn at that
    /// box's centre is the element itself (nothing covers it), and its focus outline.
    /// </summary>
    private const string DescribeFocus = """
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const box = el.getClientRects()[0] ?? el.getBoundingClientRect();
          const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
          const style = getComputedStyle(el);
          return {
            html: el.outerHTML.slice(0, 120) + ` at ${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}x${Math.round(box.height)} in ${innerWidth}x${innerHeight}`,
            href: el.getAttribute('href'),
            className: el.className,
            inViewport: box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth && box.width > 0 && box.height > 0,
            uncovered: hit !== null && (hit === el || el.contains(hit)),
            outlineStyle: style.outlineStyle,
            outlineWidth: parseFloat(style.outlineWidth),
          };
        }
        """;

    [BrowserFact]
    public async Task Tab_reaches_the_skip_link_first_and_then_the_crisis_numbers()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        var stops = new List<Focus>();
        for (var i = 0; i < 6; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            stops.Add(await FocusOf(page) ?? throw new InvalidOperationException($"Tab {i + 1} focused nothing"));
        }

        Assert.Equal("skip-link", stops[0].ClassName);
        Assert.Equal("#main", stops[0].Href);
        Assert.Equal(["tel:911", "tel:988", "sms:988", "tel:+18006624357", "tel:+18554254846"], stops.Skip(1).Select(s => s.Href));
    }

    [BrowserFact]
    public async Task The_skip_link_moves_focus_to_the_main_content()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");
        var next = await FocusOf(page);

        Assert.Equal("#introduction", next?.Href);
    }

    [BrowserTheory]
    [InlineData(375, 667)]
    [InlineData(1280, 800)]
    public async Task Every_tab_stop_on_the_home_page_is_in_view_uncovered_and_outlined(int width, int height)
    {
        await using var context = await browser.NewContextAsync(width, height);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        var problems = new List<string>();
        var count = 0;

        for (; count < 400; count++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focus = await FocusOf(page);
            if (focus is null || (count > 0 && focus.ClassName == "skip-link"))
            {
                break;
            }

            if (!focus.InViewport)
            {
                problems.Add($"out of view: {focus.Html}");
            }

            if (!focus.Uncovered)
            {
                problems.Add($"covered by another element: {focus.Html}");
            }

            if (focus.OutlineStyle is "none" or "hidden" || focus.OutlineWidth < 2)
            {
                problems.Add($"no visible focus outline ({focus.OutlineStyle} {focus.OutlineWidth}px): {focus.Html}");
            }
        }

        Assert.InRange(count, 20, 399);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static async Task<Focus?> FocusOf(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement?>(DescribeFocus);
        return json is { ValueKind: JsonValueKind.Object } value ? value.Deserialize<Focus>(JsonOptions) : null;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record Focus(string Html, string? Href, string ClassName, bool InViewport, bool Uncovered, string OutlineStyle, double OutlineWidth);
}
