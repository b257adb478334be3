using RelapseSite.Content;

namespace RelapseSite.Tests.Content;

/// <summary>The loader on real files in a temporary folder.</summary>
public sealed class ContentLoaderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("relapsesite-loader-");

    [Fact]
    public void Duplicate_slugs_keep_the_first_file_by_name_and_report_the_other()
    {
        Write("guide/a-first.md", Page("First", slug: "same"));
        Write("guide/b-second.md", Page("Second", slug: "same"));

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.Equal("First", Assert.Single(snapshot.Guide).Title);
        var error = Assert.Single(snapshot.Errors);
        Assert.Equal("guide/b-second.md", error.File);
        Assert.Contains("already used by guide/a-first.md", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contact")]
    [InlineData("healthz")]
    [InlineData("guide")]
    [InlineData("error")]
    public void Slugs_that_clash_with_the_sites_own_routes_are_rejected(string slug)
    {
        Write("pages/ok.md", Page("Fine"));
        Write($"pages/{slug}.md", Page("Clash"));

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.False(snapshot.Standalone.ContainsKey(slug));
        Assert.Contains(snapshot.Errors, e => e.File == $"pages/{slug}.md" && e.Message.Contains("reserved", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reload_re_renders_only_the_files_that_changed()
    {
        Write("guide/one.md", Page("One"));
        Write("guide/two.md", Page("Two"));
        var loader = new ContentLoader(new MarkdownRenderer());
        var first = loader.Load(_root.FullName);

        Write("guide/two.md", Page("Two, edited"));
        File.SetLastWriteTimeUtc(Path.Combine(_root.FullName, "guide/two.md"), DateTime.UtcNow.AddSeconds(5));
        var second = loader.Load(_root.FullName);

        Assert.Same(first.GuideBySlug["one"], second.GuideBySlug["one"]);
        Assert.NotSame(first.GuideBySlug["two"], second.GuideBySlug["two"]);
        Assert.Equal("Two, edited", second.GuideBySlug["two"].Title);
        Assert.True(second.Version > first.Version);
    }

    [Fact]
    public void The_slug_comes_from_the_file_name_without_an_ordering_prefix()
    {
        Write("guide/03-warning-signs.md", Page("Signs"));

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.Equal("warning-signs", Assert.Single(snapshot.Guide).Slug);
    }

    [Fact]
    public void Links_to_pages_that_do_not_exist_are_reported_with_their_line()
    {
        Write("guide/one.md", Page("One", body: "Fine: [two](/guide/two) and [contact](/contact).\n\nBroken: [gone](/guide/gone)."));
        Write("guide/two.md", Page("Two"));

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        var warning = Assert.Single(snapshot.Warnings);
        Assert.Equal("guide/one.md:9: link to '/guide/gone' goes to a page that does not exist", warning.ToString());
    }

    [Fact]
    public void A_file_that_breaks_the_parser_is_that_files_error_and_the_other_pages_still_load()
    {
        // Loading at start-up: a throw here used to stop the site from starting at all.
        Write("guide/fine.md", Page("Fine"));
        Write("guide/deep.md", Page("Deep", body: new string('>', 200) + " x"));

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.Equal("Fine", Assert.Single(snapshot.Guide).Title);
        Assert.StartsWith("guide/deep.md:1: the text is nested too deeply", Assert.Single(snapshot.Errors).ToString(), StringComparison.Ordinal);
    }

    private static string Page(string title, string? slug = null, string body = "Body text.") =>
        $"---\ntitle: {title}\ndescription: About {title}.\n{(slug is null ? "" : $"slug: {slug}\n")}last_reviewed: 2026-11-01\n---\n\n{body}\n";

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose() => _root.Delete(recursive: true);
}
