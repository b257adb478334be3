namespace RelapseSite.BrowserTests;

/// <summary>Full-page screenshots for human review, in the test output folder under <c>screenshots/</c>.</summary>
[Collection(BrowserSuite.Name)]
public sealed class ScreenshotTests(BrowserFixture browser)
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [BrowserTheory]
    [InlineData("home", "/", 375)]
    [InlineData("home", "/", 1280)]
    [InlineData("section", "/guide/overdose-risk", 375)]
    [InlineData("section", "/guide/overdose-risk", 1280)]
    [InlineData("contact", "/contact", 375)]
    [InlineData("contact", "/contact", 1280)]
    public async Task Pages_are_photographed_at_phone_and_desktop_width(string name, string path, int width)
    {
        var file = Path.Combine(Folder, $"{name}-{width}.png");
        Directory.CreateDirectory(Folder);
        File.Delete(file);
        await using var context = await browser.NewContextAsync(width, 800);
        var page = await context.NewPageAsync();

        await page.GotoAsync(path);
        await page.ScreenshotAsync(new() { Path = file, FullPage = true });

        var png = await File.ReadAllBytesAsync(file);
        Assert.True(png.Length > 1000, $"{file} holds only {png.Length} bytes");
        Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
    }
}
