using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RelapseSite.Content;
using Serilog.Events;

namespace RelapseSite.Tests.Content;

/// <summary>Live edits through the real file watcher, seen through HTTP.</summary>
public sealed class ContentStoreTests : IDisposable
{
    private readonly SiteFactory _site = new();

    private const string Good = """
        ---
        title: Breathing exercises
        description: A short exercise for hard moments.
        order: 15
        last_reviewed: 2026-11-01
        ---
        Breathe in for four counts.
        """;

    [Fact]
    public async Task An_added_file_goes_live_and_a_deleted_file_disappears_without_a_restart()
    {
        var client = _site.CreateVisitor();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/guide/breathing")).StatusCode);

        var path = _site.WriteContent("guide/breathing.md", Good);
        var added = await Eventually.Get(() => client.GetAsync("/guide/breathing"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(3));
        var home = await client.GetStringAsync("/");

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains("Breathe in for four counts.", await added.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("<section id=\"breathing\"", home, StringComparison.Ordinal);

        File.Delete(path);
        var deleted = await Eventually.Get(() => client.GetAsync("/guide/breathing"), r => r.StatusCode == HttpStatusCode.NotFound, TimeSpan.FromSeconds(3));

        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        Assert.DoesNotContain("<section id=\"breathing\"", await client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edit_is_live_within_a_second()
    {
        var client = _site.CreateVisitor();
        _ = await client.GetStringAsync("/");
        var path = Path.Combine(_site.ContentRoot, "guide", "warning-signs.md");

        var started = DateTime.UtcNow;
        File.WriteAllText(path, File.ReadAllText(path) + "\nA brand-new sentence from an editor.\n");
        var html = await Eventually.Get(() => client.GetStringAsync("/guide/warning-signs"), h => h.Contains("brand-new sentence", StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        var elapsed = DateTime.UtcNow - started;

        Assert.Contains("A brand-new sentence from an editor.", html, StringComparison.Ordinal);
        // "About a second": the watcher debounce is 50 ms here; the slack is for a loaded CI machine.
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"the edit took {elapsed.TotalMilliseconds:0} ms to go live");
    }

    [Fact]
    public async Task Bad_front_matter_keeps_the_last_good_page_and_reports_file_and_line()
    {
        var client = _site.CreateVisitor();
        var path = Path.Combine(_site.ContentRoot, "guide", "warning-signs.md");
        var before = await client.GetStringAsync("/guide/warning-signs");

        File.WriteAllText(path, "---\ntitle: Warning signs\ndescription: [unclosed\nlast_reviewed: soon\n---\nBroken.\n");
        var store = _site.Services.GetRequiredService<ContentStore>();
        var snapshot = await Eventually.Get(() => Task.FromResult(store.Current), s => s.Errors.Count > 0, TimeSpan.FromSeconds(3));
        var after = await client.GetAsync("/guide/warning-signs");

        var error = Assert.Single(snapshot.Errors);
        Assert.StartsWith("guide/warning-signs.md:", error.ToString(), StringComparison.Ordinal);
        Assert.InRange(error.Line, 2, 5);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(before, await after.Content.ReadAsStringAsync());
        Assert.Contains(_site.Logs.Events, e => e.Level == LogEventLevel.Error && e.RenderMessage().Contains("guide/warning-signs.md:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_title_is_reported_and_the_rest_of_the_site_keeps_serving()
    {
        var client = _site.CreateVisitor();
        _ = await client.GetStringAsync("/");

        _site.WriteContent("guide/untitled.md", "---\ndescription: No title here.\n---\nText.\n");
        var store = _site.Services.GetRequiredService<ContentStore>();
        var snapshot = await Eventually.Get(() => Task.FromResult(store.Current), s => s.Errors.Count > 0, TimeSpan.FromSeconds(3));

        Assert.Contains(snapshot.Errors, e => e.ToString() == "guide/untitled.md:1: front matter: 'title' is required");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/guide/untitled")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/guide/warning-signs")).StatusCode);
    }

    [Theory]
    [InlineData("guide/coping.markdown", "coping.md")]
    [InlineData("guide/coping.md.txt", "coping.md")]
    [InlineData("guide/Coping.MD", "Coping.md")]
    public async Task A_page_saved_under_a_name_that_is_not_published_is_reported_as_soon_as_it_is_saved(string file, string fix)
    {
        var store = _site.Services.GetRequiredService<ContentStore>();
        _ = await _site.CreateVisitor().GetStringAsync("/");

        // No '.md' file changes here: only the misnamed file's own save can start the reload that reports it.
        _site.WriteContent(file, Good);
        var snapshot = await Eventually.Get(() => Task.FromResult(store.Current), s => s.Warnings.Count > 0, TimeSpan.FromSeconds(3));

        var warning = Assert.Single(snapshot.Warnings, w => w.ToString().StartsWith(file + ":1:", StringComparison.Ordinal));
        Assert.Contains($"rename it to '{fix}'", warning.ToString(), StringComparison.Ordinal);
        Assert.Contains(_site.Logs.Events, e => e.Level == LogEventLevel.Warning && e.RenderMessage().Contains(file, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(">")]
    [InlineData("- ")]
    public async Task A_file_nested_too_deeply_for_the_parser_is_reported_and_the_site_keeps_serving(string marker)
    {
        // The Markdown parser throws on very deep nesting. This used to end the process from the reload timer's thread.
        var client = _site.CreateVisitor();
        var path = Path.Combine(_site.ContentRoot, "guide", "warning-signs.md");
        var before = await client.GetStringAsync("/guide/warning-signs");
        var deep = marker == ">" ? new string('>', 200) + " x" : string.Concat(Enumerable.Range(0, 100).Select(i => new string(' ', i * 2) + "- x\n"));

        File.WriteAllText(path, $"---\ntitle: Warning signs\ndescription: Signs.\norder: 30\n---\n{deep}\n");
        var store = _site.Services.GetRequiredService<ContentStore>();
        var snapshot = await Eventually.Get(() => Task.FromResult(store.Current), s => s.Errors.Count > 0, TimeSpan.FromSeconds(3));

        Assert.Equal("guide/warning-signs.md:1: the text is nested too deeply (for example many '[' or '>' or list levels inside each other); simplify it",
            Assert.Single(snapshot.Errors).ToString());
        Assert.Null(store.ReloadError);
        Assert.Equal(before, await client.GetStringAsync("/guide/warning-signs"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task An_emptied_content_folder_keeps_the_site_up_and_shows_in_readiness()
    {
        var client = _site.CreateVisitor();
        _ = await client.GetStringAsync("/");

        foreach (var file in Directory.EnumerateFiles(_site.ContentRoot, "*.md", SearchOption.AllDirectories).ToList())
        {
            File.Delete(file);
        }

        var store = _site.Services.GetRequiredService<ContentStore>();
        await Eventually.Get(() => Task.FromResult(store.ReloadError), e => e is not null, TimeSpan.FromSeconds(3));
        var ready = await client.GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/guide/warning-signs")).StatusCode);
        Assert.Contains(_site.ContentRoot, store.ReloadError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("Degraded", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_swapped_in_by_rename_goes_live_and_so_do_later_edits_to_it()
    {
        var client = _site.CreateVisitor();
        _ = await client.GetStringAsync("/");
        var release = _site.ContentRoot + ".new";
        SiteFactory.CopyDirectory(_site.ContentRoot, release);
        File.AppendAllText(Path.Combine(release, "guide", "warning-signs.md"), "\nA sentence from the new release.\n");

        // A rename-swap deploy: the watch on the old folder sees nothing, because nothing inside it changed.
        Directory.Move(_site.ContentRoot, _site.ContentRoot + ".old");
        Directory.Move(release, _site.ContentRoot);
        var swapped = await Eventually.Get(() => client.GetStringAsync("/guide/warning-signs"), h => h.Contains("new release", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        File.AppendAllText(Path.Combine(_site.ContentRoot, "guide", "warning-signs.md"), "An edit after the swap.\n");
        var edited = await Eventually.Get(() => client.GetStringAsync("/guide/warning-signs"), h => h.Contains("after the swap", StringComparison.Ordinal), TimeSpan.FromSeconds(5));

        Assert.Contains("A sentence from the new release.", swapped, StringComparison.Ordinal);
        Assert.Contains("An edit after the swap.", edited, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_content_folder_copied_back_goes_live_and_readiness_recovers()
    {
        var client = _site.CreateVisitor();
        var store = _site.Services.GetRequiredService<ContentStore>();
        _ = await client.GetStringAsync("/");
        var backup = Path.Combine(_site.Root, "backup");
        SiteFactory.CopyDirectory(_site.ContentRoot, backup);
        File.AppendAllText(Path.Combine(backup, "guide", "warning-signs.md"), "\nA sentence from the backup.\n");

        Directory.Delete(_site.ContentRoot, recursive: true);
        await Eventually.Get(() => Task.FromResult(store.ReloadError), e => e is not null, TimeSpan.FromSeconds(5));
        var degraded = await client.GetStringAsync("/healthz/ready");
        var kept = await client.GetAsync("/guide/warning-signs");
        SiteFactory.CopyDirectory(backup, _site.ContentRoot);
        var restored = await Eventually.Get(() => client.GetStringAsync("/guide/warning-signs"), h => h.Contains("from the backup", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        await Eventually.Get(() => Task.FromResult(store.ReloadError), e => e is null, TimeSpan.FromSeconds(5));

        Assert.Contains("Degraded", degraded, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Contains("A sentence from the backup.", restored, StringComparison.Ordinal);
        Assert.Null(store.ReloadError);
        Assert.Contains("Healthy", await client.GetStringAsync("/healthz/ready"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_guide_folder_moved_away_keeps_the_guide_online_and_moved_back_goes_live_at_once()
    {
        var client = _site.CreateVisitor();
        var store = _site.Services.GetRequiredService<ContentStore>();
        _ = await client.GetStringAsync("/");
        var guide = Path.Combine(_site.ContentRoot, "guide");
        var away = Path.Combine(_site.Root, "guide-away");

        // A stray drag in a file manager: no file inside guide/ changes, and the folder is gone.
        Directory.Move(guide, away);
        var error = await Eventually.Get(() => Task.FromResult(store.ReloadError), e => e is not null, TimeSpan.FromSeconds(5));
        var kept = await client.GetAsync("/guide/warning-signs");
        var degraded = await client.GetStringAsync("/healthz/ready");

        File.AppendAllText(Path.Combine(away, "warning-signs.md"), "\nA sentence written while the folder was away.\n");
        Directory.Move(away, guide);
        var back = await Eventually.Get(() => client.GetStringAsync("/guide/warning-signs"), h => h.Contains("while the folder was away", StringComparison.Ordinal), TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal($"{_site.ContentRoot}: it has no guide/ folder with a published Markdown file in it; still serving version 1 until it is back", error);
        Assert.Contains("Degraded", degraded, StringComparison.Ordinal);
        Assert.Contains("A sentence written while the folder was away.", back, StringComparison.Ordinal);
        Assert.Contains("<section id=\"warning-signs\"", await client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_broken_before_a_restart_is_still_served_in_its_last_good_version_after_it()
    {
        var folder = Directory.CreateTempSubdirectory("relapsesite-restart-").FullName;
        try
        {
            var content = Path.Combine(folder, "content");
            var copies = Path.Combine(folder, "content-last-good");
            SiteFactory.CopyDirectory(Path.Combine(TestFolders.RepositoryRoot, "content"), content);
            using (var before = new SiteFactory().Set("Content:Root", content).Set("Content:LastGoodPath", copies))
            {
                Assert.Equal(HttpStatusCode.OK, (await before.CreateVisitor().GetAsync("/guide/warning-signs")).StatusCode);
            }

            // Saved broken while the site was down (or just before a deploy restarted it).
            var file = Path.Combine(content, "guide", "warning-signs.md");
            var good = await File.ReadAllTextAsync(file);
            await File.WriteAllTextAsync(file, good.Replace("title: ", "title: Broken: ", StringComparison.Ordinal) + "\nA sentence from the broken edit.\n");
            using var after = new SiteFactory().Set("Content:Root", content).Set("Content:LastGoodPath", copies);
            var client = after.CreateVisitor();
            var page = await client.GetAsync("/guide/warning-signs");
            var html = await page.Content.ReadAsStringAsync();
            var snapshot = after.Services.GetRequiredService<ContentStore>().Current;

            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.DoesNotContain("A sentence from the broken edit.", html, StringComparison.Ordinal);
            Assert.Contains("<section id=\"warning-signs\"", await client.GetStringAsync("/"), StringComparison.Ordinal);
            Assert.Equal("guide/warning-signs.md", Assert.Single(snapshot.Errors).File);
            Assert.Contains("Degraded", await client.GetStringAsync("/healthz/ready"), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_folder_for_copies_that_cannot_be_written_is_one_warning_and_the_site_serves_without_them()
    {
        // A file where the folder should be stops root too, as a read-only mount would stop the site's user.
        var blocker = Path.Combine(_site.Root, "not-a-folder");
        File.WriteAllText(blocker, "");
        using var site = new SiteFactory().Set("Content:LastGoodPath", Path.Combine(blocker, "copies"));

        var page = await site.CreateVisitor().GetAsync("/guide/warning-signs");
        var warning = Assert.Single(site.Logs.Events, e => e.MessageTemplate.Text.Contains("Content:LastGoodPath", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(LogEventLevel.Warning, warning.Level);
        Assert.Contains("no copy of a good page is kept or used", warning.RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_page_does_not_come_back_from_its_kept_copy_when_a_broken_file_takes_its_name()
    {
        var client = _site.CreateVisitor();
        var path = _site.WriteContent("guide/breathing.md", Good);
        await Eventually.Get(() => client.GetAsync("/guide/breathing"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(3));
        File.Delete(path);
        await Eventually.Get(() => client.GetAsync("/guide/breathing"), r => r.StatusCode == HttpStatusCode.NotFound, TimeSpan.FromSeconds(3));

        _site.WriteContent("guide/breathing.md", "---\ntitle: [broken\n---\nText.\n");
        var store = _site.Services.GetRequiredService<ContentStore>();
        await Eventually.Get(() => Task.FromResult(store.Current), s => s.Errors.Any(e => e.File == "guide/breathing.md"), TimeSpan.FromSeconds(3));

        _site.Services.GetRequiredService<ContentLoader>().FlushCopies(TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/guide/breathing")).StatusCode);
        Assert.False(File.Exists(Path.Combine(_site.DataRoot, "content-last-good", "guide", "breathing.md")));
    }

    [Fact]
    public async Task Deleting_the_last_standalone_page_is_an_edit_that_goes_live_with_later_edits()
    {
        var client = _site.CreateVisitor();
        var store = _site.Services.GetRequiredService<ContentStore>();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/privacy")).StatusCode);

        // pages/ holds one page; withdrawing it (deleting it, or renaming it to a draft) empties the folder on purpose.
        File.Move(Path.Combine(_site.ContentRoot, "pages", "privacy.md"), Path.Combine(_site.ContentRoot, "pages", "_privacy.md"));
        var gone = await Eventually.Get(() => client.GetAsync("/privacy"), r => r.StatusCode == HttpStatusCode.NotFound, TimeSpan.FromSeconds(5));
        File.AppendAllText(Path.Combine(_site.ContentRoot, "guide", "warning-signs.md"), "\nAn edit after the page was withdrawn.\n");
        var edited = await Eventually.Get(() => client.GetStringAsync("/guide/warning-signs"), h => h.Contains("after the page was withdrawn", StringComparison.Ordinal), TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains("An edit after the page was withdrawn.", edited, StringComparison.Ordinal);
        Assert.Null(store.ReloadError);
    }

    [Fact]
    public async Task A_file_saved_as_Latin_1_keeps_its_last_good_page_and_is_reported_on_the_line_with_the_letter()
    {
        var client = _site.CreateVisitor();
        var store = _site.Services.GetRequiredService<ContentStore>();
        var path = _site.WriteContent("guide/breathing.md", Good);
        await Eventually.Get(() => client.GetAsync("/guide/breathing"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(3));

        // What old Notepad or Word's plain-text export writes: "Se habla español. «Llámenos hoy»" in Windows-1252.
        File.AppendAllBytes(path, [.. "\n\nSe habla espa"u8, 0xF1, .. "ol. "u8, 0x93, .. "Ll"u8, 0xE1, .. "menos hoy"u8, 0x94, .. "\n"u8]);
        var snapshot = await Eventually.Get(() => Task.FromResult(store.Current), s => s.Errors.Count > 0, TimeSpan.FromSeconds(3));
        var page = await client.GetStringAsync("/guide/breathing");

        Assert.Equal(
            "guide/breathing.md:9: this file is not saved as UTF-8, so a letter on this line (such as é, ñ or a curly quote) cannot be read; open the file, choose Save As, and pick the encoding 'UTF-8'",
            Assert.Single(snapshot.Errors).ToString());
        Assert.Contains("Breathe in for four counts.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("habla", page, StringComparison.Ordinal);
        Assert.DoesNotContain("\uFFFD", page, StringComparison.Ordinal);
    }

    public void Dispose() => _site.Dispose();
}
