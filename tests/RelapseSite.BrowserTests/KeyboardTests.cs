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

    /// <summary>
    /// WCAG 1.4.11: the focused element's ring against what lies just outside it. The colour behind is read at the middle
    /// of each side of the ring (its first line box widened by outline-offset and half the outline width): the topmost
    /// element there with a background colour, such as the red crisis strip under a link or the skip link's own box.
    /// </summary>
    private const string RingContrast = """
        () => {
          const el = document.activeElement;
          if (!el || el === document.body) return null;
          const channel = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
          const rgba = css => (css.match(/[\d.]+/g) ?? []).map(Number);
          const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
          const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
          const backgroundAt = (x, y) => {
            x = Math.min(Math.max(x, 0), innerWidth - 1);
            y = Math.min(Math.max(y, 0), innerHeight - 1);
            for (const under of document.elementsFromPoint(x, y)) {
              const colour = rgba(getComputedStyle(under).backgroundColor);
              if (colour.length >= 3 && (colour[3] ?? 1) > 0) return { colour, under: under.tagName.toLowerCase() + (under.className ? '.' + under.className : '') };
            }
            return { colour: [255, 255, 255], under: 'canvas' };
          };
          const style = getComputedStyle(el);
          const ring = rgba(style.outlineColor);
          const reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) / 2;
          const box = el.getClientRects()[0] ?? el.getBoundingClientRect();
          const [midX, midY] = [box.left + box.width / 2, box.top + box.height / 2];
          const sides = [[box.left - reach, midY], [box.right + reach, midY], [midX, box.top - reach], [midX, box.bottom + reach]]
            .map(([x, y]) => { const behind = backgroundAt(x, y); return { ratio: contrast(ring, behind.colour), ...behind }; });
          const worst = sides.reduce((a, b) => (b.ratio < a.ratio ? b : a));
          return {
            html: el.outerHTML.slice(0, 100),
            ring: style.outlineColor,
            behind: `rgb(${worst.colour.slice(0, 3).join(', ')}) of ${worst.under}`,
            ratio: worst.ratio,
          };
        }
        """;

    [BrowserTheory]
    [InlineData("/", ColorScheme.Light)]
    [InlineData("/", ColorScheme.Dark)]
    [InlineData("/contact", ColorScheme.Light)]
    [InlineData("/contact", ColorScheme.Dark)]
    public async Task Every_focus_ring_has_3_to_1_contrast_with_the_colour_behind_it(string path, ColorScheme scheme)
    {
        await using var context = await browser.NewContextAsync(375, 667, scheme);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        var problems = new List<string>();
        var count = 0;

        for (; count < 400; count++)
        {
            await page.Keyboard.PressAsync("Tab");
            var ring = await RingOf(page);
            if (ring is null || (count > 0 && ring.Html.Contains("skip-link", StringComparison.Ordinal)))
            {
                break;
            }

            if (ring.Ratio < 3)
            {
                problems.Add($"{ring.Ratio:0.00}:1, ring {ring.Ring} on {ring.Behind}: {ring.Html}");
            }
        }

        Assert.InRange(count, 10, 399);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [BrowserFact]
    public async Task The_ring_check_does_see_an_orange_ring_on_the_red_strip()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SetContentAsync("""
            <html><body><aside style="background:#7a1010;padding:1rem"><a href="#x" style="outline:3px solid #c24e00;outline-offset:2px">Call 988</a></aside></body></html>
            """);

        await page.FocusAsync("a");
        var ring = await RingOf(page);

        Assert.NotNull(ring);
        Assert.InRange(ring.Ratio, 2.2, 2.4);
    }

    private static async Task<FocusRing?> RingOf(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement?>(RingContrast);
        return json is { ValueKind: JsonValueKind.Object } value ? value.Deserialize<FocusRing>(JsonOptions) : null;
    }

    private static async Task<Focus?> FocusOf(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement?>(DescribeFocus);
        return json is { ValueKind: JsonValueKind.Object } value ? value.Deserialize<Focus>(JsonOptions) : null;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record FocusRing(string Html, string Ring, string Behind, double Ratio);

    private sealed record Focus(string Html, string? Href, string ClassName, bool InViewport, bool Uncovered, string OutlineStyle, double OutlineWidth);
}
