using RelapseSite.Content;

namespace RelapseSite.Tests.Content;

/// <summary>The loader on real files in a temporary folder.</summary>
public sealed class ContentLoaderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("relapsesite-loader-");

    [Fact]
    public void Duplicate_slugs_with_equal_times_keep_the_first_file_by_name_and_report_the_other()
    {
        var written = DateTime.UtcNow.AddDays(-1);
        Write("guide/a-first.md", Page("First", slug: "same"), written);
        Write("guide/b-second.md", Page("Second", slug: "same"), written);

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.Equal("First", Assert.Single(snapshot.Guide).Title);
        var error = Assert.Single(snapshot.Errors);
        Assert.Equal("guide/b-second.md", error.File);
        Assert.Contains("already used by guide/a-first.md", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void On_a_fresh_load_the_file_named_as_the_address_keeps_it_even_when_it_was_edited_last()
    {
        // "05-warning-signs.md" has the slug "warning-signs" too, and sorts before "warning-signs.md". Editing the
        // reviewed page (now the newest file) must not hand its address to the copy at the next start.
        Write("guide/05-warning-signs.md", Page("Draft signs"), DateTime.UtcNow.AddDays(-30));
        Write("guide/warning-signs.md", Page("Reviewed signs"), DateTime.UtcNow.AddMinutes(-1));

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.Equal("Reviewed signs", snapshot.GuideBySlug["warning-signs"].Title);
        Assert.Equal(
            "guide/05-warning-signs.md:1: slug 'warning-signs' is already used by guide/warning-signs.md; this file is not shown until its slug is unique",
            Assert.Single(snapshot.Errors).ToString());
    }

    [Fact]
    public void On_a_reload_a_new_file_does_not_take_the_slug_of_the_live_page()
    {
        Write("guide/warning-signs.md", Page("Reviewed signs"), DateTime.UtcNow.AddDays(-1));
        Write("guide/other.md", Page("Other"), DateTime.UtcNow.AddDays(-1));
        var loader = new ContentLoader(new MarkdownRenderer());
        var before = loader.Load(_root.FullName);

        // A file copied in from elsewhere can keep an old timestamp: even so the live page stays.
        Write("guide/05-warning-signs.md", Page("Draft signs"), DateTime.UtcNow.AddDays(-60));
        Write("guide/a-page.md", Page("Draft", slug: "warning-signs"), DateTime.UtcNow.AddDays(-60));
        var after = loader.Load(_root.FullName);

        Assert.Same(before.GuideBySlug["warning-signs"], after.GuideBySlug["warning-signs"]);
        Assert.Equal(["guide/05-warning-signs.md", "guide/a-page.md"], after.Errors.Select(e => e.File).Order(StringComparer.Ordinal));
        Assert.All(after.Errors, e => Assert.Contains("already used by guide/warning-signs.md", e.Message, StringComparison.Ordinal));
        Assert.Equal(before.Guide.Select(p => p.SourceFile), after.Guide.Select(p => p.SourceFile));
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
        Assert.Equal("guide/one.md:10: link to '/guide/gone' goes to a page that does not exist", warning.ToString());
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

    [Fact]
    public void Files_the_site_leaves_out_are_warnings_and_the_site_keeps_serving()
    {
        Write("guide/good.md", Page("Good"));
        Write("guide/caps.MD", Page("Caps"));
        Write("guide/long.markdown", Page("Long"));
        Write("guide/saved.md.txt", Page("Saved"));
        Write("pages/notes.txt", "Notes.");
        Write("pages/photo.jpg", "not a picture");
        Write("guide/old/moved.md", Page("Moved"));
        // Hidden files and editors' leftovers are no one's page: not a word about them.
        Write("guide/.hidden.md", Page("Hidden"));
        Write("guide/good.md~", Page("Backup"));
        Write("guide/.good.md.swp", "swap");
        Write("guide/good.md.swp", "swap");
        Write("pages/upload.tmp", "temporary");
        Write("pages/.git/config", "hidden folder");
        // Nor about drafts (a name starting with '_') or what Windows and Office leave beside files.
        Write("guide/_draft.md", Page("Draft"));
        Write("guide/_drafts/next.md", Page("Next"));
        Write("pages/Thumbs.db", "thumbnails");
        Write("pages/desktop.ini", "[.ShellClassInfo]");
        Write("pages/~$notes.docx", "lock");
        Write("guide/good.md.bak", Page("Backup"));
        Write("guide/#good.md#", Page("Autosave"));

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.Equal("Good", Assert.Single(snapshot.Guide).Title);
        Assert.Empty(snapshot.Errors);
        Assert.Equal(
        [
            "guide/caps.MD:1: this file is not published: only names ending in '.md' (in small letters) are published; to publish it, rename it to 'caps.md'",
            "guide/long.markdown:1: this file is not published: only names ending in '.md' (in small letters) are published; to publish it, rename it to 'long.md'",
            "guide/old/:1: this folder is not published: pages must be directly in guide/, not in a folder inside it; move the files into guide/",
            "guide/saved.md.txt:1: this file is not published: only names ending in '.md' (in small letters) are published; to publish it, rename it to 'saved.md'",
            "pages/notes.txt:1: this file is not published: only names ending in '.md' (in small letters) are published; to publish it, rename it to 'notes.md'",
            "pages/photo.jpg:1: this file is not published: only text files whose names end in '.md' are published",
        ], snapshot.Warnings.Select(w => w.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Writing_that_does_not_show_as_meant_is_a_warning_with_its_line()
    {
        Write("guide/one.md", Page("Same title", body: "# A top heading\n\nSome <b>bold</b> words.\n\nA `<b>` in code is fine, and so is 2 < 3, and so is: press <Enter>, then type <your name>."));
        Write("guide/two.md", Page("Same Title"));
        Write("guide/three.md", "---\ntitle: No order\ndescription: A section without an order.\n---\nText.\n");

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.Equal(3, snapshot.Guide.Count);
        Assert.Empty(snapshot.Errors);
        Assert.Equal(
        [
            "guide/one.md:10: '<b>' looks like HTML, which the site shows as plain text; use Markdown instead, for example **bold** for bold text or ## for a heading",
            "guide/one.md:1: front matter: the title 'Same title' is also used by guide/two.md; give each page its own title, because it is what people see in search results and browser tabs",
            "guide/one.md:8: a top heading ('# ...'): use ## for sections; the page title is the only top heading",
            "guide/three.md:1: front matter: 'order' is missing, so this section is shown after all the others; add one, for example order: 35",
            "guide/two.md:1: front matter: the title 'Same Title' is also used by guide/one.md; give each page its own title, because it is what people see in search results and browser tabs",
        ], snapshot.Warnings.Select(w => w.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_file_name_that_cannot_be_an_address_is_reported_with_the_name_to_rename_it_to()
    {
        // Staff set no slug here: the file name is the address, so the fix is a new file name, not a setting.
        Write("guide/Warning Signs 2.md", Page("Signs two"));
        Write("guide/cómo-pedir.md", Page("Como pedir"));
        Write("guide/05-Next Steps.md", Page("Next steps"));
        Write("guide/man\u0303ana.md", Page("Manana"));
        Write("guide/fine.md", Page("Fine"));

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.Equal("Fine", Assert.Single(snapshot.Guide).Title);
        Assert.Equal(
        [
            "guide/05-Next Steps.md:1: the file name '05-Next Steps.md' cannot be the page's address, which may use only small letters a to z (no accents), digits and single hyphens; rename the file to '05-next-steps.md'",
            "guide/Warning Signs 2.md:1: the file name 'Warning Signs 2.md' cannot be the page's address, which may use only small letters a to z (no accents), digits and single hyphens; rename the file to 'warning-signs-2.md'",
            "guide/cómo-pedir.md:1: the file name 'cómo-pedir.md' cannot be the page's address, which may use only small letters a to z (no accents), digits and single hyphens; rename the file to 'como-pedir.md'",
            "guide/man\u0303ana.md:1: the file name 'man\u0303ana.md' cannot be the page's address, which may use only small letters a to z (no accents), digits and single hyphens; rename the file to 'manana.md'",
        ], snapshot.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string> MistakesStaffMake() => new()
    {
        // A non-breaking space after the colon, as Word, Outlook or a web page leaves it.
        { "---\ntitle:\u00A0Nbsp title\ndescription: x\norder: 1\n---\nBody\n",
            "guide/mistake.md:2: front matter: there is an invisible special space after 'title:'; delete it and type a normal space" },
        { "---\ntitle: T2\ndescription: x\norder:\u00A02\n---\nBody\n",
            "guide/mistake.md:4: front matter: there is an invisible special space after 'order:'; delete it and type a normal space" },
        { "---\ntitle: T4\ndescription:\u00A0x\norder: 4\n---\nBody\n",
            "guide/mistake.md:3: front matter: there is an invisible special space after 'description:'; delete it and type a normal space" },
        // The closing '---' deleted, and a '---' divider further down in the text.
        { "---\ntitle: Why people relapse\ndescription: Three steps.\norder: 20\nlast_reviewed: 2026-11-26\nA relapse rarely comes out of nowhere.\n\n## Phase 1: A trigger\n\nText.\n\n---\n\nMore text.\n",
            "guide/mistake.md:6: the front matter starts with '---' on line 1 but probably has no closing '---' line: this line looks like page text, not a setting; add a '---' line after the last setting (line 5)" },
        { "---\ntitle: 'Don't panic'\ndescription: x\norder: 1\n---\nBody\n",
            "guide/mistake.md:2: front matter: 'title' has an apostrophe (') inside single quotes, which ends the value too early; put the value in double quotes instead, for example title: \"Don't panic\"" },
        { "---\ntitle: T1\n\t\ndescription: x\norder: 1\n---\nBody\n",
            "guide/mistake.md:3: front matter: this line looks empty but has a tab on it; delete the tab" },
        // Saved from Windows: the line numbers stay those of the file.
        { "\uFEFF---\r\ntitle: T5\r\ndescription:\u00A0x\r\norder: 5\r\n---\r\nBody\r\n",
            "guide/mistake.md:3: front matter: there is an invisible special space after 'description:'; delete it and type a normal space" },
    };

    [Theory]
    [MemberData(nameof(MistakesStaffMake))]
    public void A_mistake_staff_make_in_a_file_is_reported_on_its_own_line_in_plain_words(string text, string expected)
    {
        Write("guide/fine.md", Page("Fine"));
        Write("guide/mistake.md", text);

        var snapshot = new ContentLoader(new MarkdownRenderer()).Load(_root.FullName);

        Assert.Equal("Fine", Assert.Single(snapshot.Guide).Title);
        Assert.Equal(expected, Assert.Single(snapshot.Errors).ToString());
    }

    private static string Page(string title, string? slug = null, string body = "Body text.") =>
        $"---\ntitle: {title}\ndescription: About {title}.\norder: 10\n{(slug is null ? "" : $"slug: {slug}\n")}last_reviewed: 2026-11-01\n---\n\n{body}\n";

    private void Write(string relative, string text, DateTime? written = null)
    {
        var path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        if (written is { } time)
        {
            File.SetLastWriteTimeUtc(path, time);
        }
    }

    public void Dispose() => _root.Delete(recursive: true);
}
