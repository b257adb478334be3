namespace RelapseSite.BrowserTests;

/// <summary>On an old phone, with scripts blocked, every page still reads in full: the site needs no JavaScript.</summary>
[Collection(BrowserSuite.Name)]
public sealed class NoJavaScriptTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task Every_page_reads_the_same_with_javascript_off()
    {
        await using var withScripts = await browser.NewContextAsync();
        await using var withoutScripts = await browser.NewContextAsync(javaScript: false);
        var on = await withScripts.NewPageAsync();
        var off = await withoutScripts.NewPageAsync();

        foreach (var path in browser.SitemapPaths.Append("/no-such-page"))
        {
            await on.GotoAsync(path);
            var response = await off.GotoAsync(path);

            Assert.True(response!.Status is 200 or 404, $"{path}: {response.Status}");
            Assert.True(await off.Locator("h1").IsVisibleAsync(), $"{path}: no visible h1 without JavaScript");
            Assert.True(await off.GetByRole(Microsoft.Playwright.AriaRole.Complementary, new() { Name = "Urgent help" }).IsVisibleAsync(), $"{path}: crisis numbers hidden");
            var text = await off.Locator("main").InnerTextAsync();
            Assert.True(text.Length > 40, $"{path}: main holds only {text.Length} characters");
            Assert.Equal(await on.Locator("main").InnerTextAsync(), text);
        }
    }

    [BrowserFact]
    public async Task Javascript_really_is_off_in_the_scriptless_context()
    {
        await using var context = await browser.NewContextAsync(javaScript: false);
        var page = await context.NewPageAsync();
        await page.SetContentAsync("<p id=x>static</p><script>document.getElementById('x').textContent = 'scripted'</script>");

        Assert.Equal("static", await page.Locator("#x").InnerTextAsync());
    }
}
