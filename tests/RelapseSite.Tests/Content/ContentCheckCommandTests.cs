using System.Diagnostics;

namespace RelapseSite.Tests.Content;

/// <summary><c>check-content</c> as staff and CI run it: the real app, as a separate process.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ContentCheckCommandTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("relapsesite-check-");

    [Fact]
    public async Task Good_content_passes_with_a_page_count()
    {
        var (exitCode, output) = await CheckContent(Path.Combine(TestFolders.RepositoryRoot, "content"));

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^\d+ pages OK$", output.Trim());
    }

    [Fact]
    public async Task Bad_content_fails_and_names_each_file_and_line()
    {
        Write("guide/good.md", "---\ntitle: Good\ndescription: Fine.\n---\nSee [the missing page](/guide/missing).\n");
        Write("guide/bad-yaml.md", "---\ntitle: Bad\ndescription: Fine.\nlast_reviewed: someday\n---\nText.\n");
        Write("pages/no-title.md", "---\ndescription: Fine.\n---\nText.\n");

        var (exitCode, output) = await CheckContent(_root.FullName);

        Assert.Equal(1, exitCode);
        Assert.Contains("guide/bad-yaml.md:4: front matter:", output, StringComparison.Ordinal);
        Assert.Contains("guide/good.md:5: link to '/guide/missing' goes to a page that does not exist", output, StringComparison.Ordinal);
        Assert.Contains("pages/no-title.md:1: front matter: 'title' is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mistakes_staff_cannot_see_are_named_on_their_own_line()
    {
        Write("guide/n1.md", "---\ntitle:\u00A0Nbsp title\ndescription: x\norder: 1\n---\nBody\n");
        Write("guide/open.md", "---\ntitle: Open\ndescription: x\norder: 2\nA relapse rarely comes out of nowhere.\n\n---\n\nMore text.\n");
        Write("guide/Warning Signs 2.md", "---\ntitle: Signs\ndescription: x\norder: 3\n---\nBody\n");

        var (exitCode, output) = await CheckContent(_root.FullName);

        Assert.Equal(1, exitCode);
        Assert.Contains("guide/n1.md:2: front matter: there is an invisible special space after 'title:'; delete it and type a normal space", output, StringComparison.Ordinal);
        Assert.Contains("guide/open.md:5: the front matter starts with '---' on line 1 but probably has no closing '---' line", output, StringComparison.Ordinal);
        Assert.Contains("guide/Warning Signs 2.md:1: the file name 'Warning Signs 2.md' cannot be the page's address", output, StringComparison.Ordinal);
        Assert.Contains("rename the file to 'warning-signs-2.md'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_the_site_leaves_out_fails_the_check_and_says_why()
    {
        Write("guide/good.md", "---\ntitle: Good\ndescription: Fine.\norder: 10\n---\nText.\n");
        Write("guide/new-section.markdown", "---\ntitle: New\ndescription: Fine.\norder: 20\n---\nText.\n");

        var (exitCode, output) = await CheckContent(_root.FullName);

        Assert.Equal(1, exitCode);
        Assert.Contains("guide/new-section.markdown:1: this file is not published:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_folder_fails_and_names_the_folder()
    {
        var missing = Path.Combine(_root.FullName, "nowhere");

        var (exitCode, output) = await CheckContent(missing);

        Assert.Equal(1, exitCode);
        Assert.Contains(missing, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_argument_is_a_usage_error_not_ignored()
    {
        var (exitCode, output) = await CheckContent(Path.Combine(TestFolders.RepositoryRoot, "content"), _root.FullName);

        Assert.Equal(2, exitCode);
        Assert.Equal("Usage: check-content [folder]", output.Trim());
    }

    [Fact]
    public async Task A_picture_or_file_of_the_site_passes_and_a_missing_picture_is_named_as_a_picture()
    {
        Write("guide/good.md", "---\ntitle: Good\ndescription: Fine.\n---\n![The site's icon](/favicon.svg)\n\n![A calm lake](/images/lake.jpg)\n");
        var (exitCode, output) = await CheckContent(_root.FullName);

        Assert.Equal(1, exitCode);
        Assert.Contains("guide/good.md:7: picture '/images/lake.jpg' is not on this site; check the spelling, or ask the person who runs the site to add it", output, StringComparison.Ordinal);
        Assert.DoesNotContain("favicon", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("signs.md")]
    [InlineData("05-signs.md")]
    public async Task A_link_to_a_page_whose_file_has_a_mistake_names_that_file_not_a_missing_page(string file)
    {
        Write("guide/good.md", "---\ntitle: Good\ndescription: Fine.\n---\nSee [the signs](/guide/signs).\n");
        Write($"guide/{file}", "---\ntitle: Signs: what to look for\ndescription: Fine.\n---\nText.\n");

        var (exitCode, output) = await CheckContent(_root.FullName);

        Assert.Equal(1, exitCode);
        Assert.Contains($"guide/good.md:5: link to '/guide/signs' goes to a page that is not shown until the mistakes in guide/{file} are fixed", output, StringComparison.Ordinal);
        Assert.Contains($"guide/{file}:2: front matter:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_with_no_guide_section_fails_because_the_home_page_would_be_empty()
    {
        Write("pages/privacy.md", "---\ntitle: Privacy\ndescription: Fine.\n---\nText.\n");

        var (exitCode, output) = await CheckContent(_root.FullName);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{_root.FullName}: this content folder cannot be served: it has no guide/ folder with a published Markdown file in it", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_the_site_may_not_read_is_named_and_the_other_folder_is_still_checked()
    {
        Write("guide/good.md", "---\ntitle: Good\ndescription: Fine.\norder: 10\n---\nText.\n");
        Write("pages/privacy.md", "---\ntitle: Privacy\ndescription: Fine.\n---\nText.\n");
        File.SetUnixFileMode(_root.FullName, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(_root.FullName, "pages"), UnixFileMode.None);

        // Root reads any folder, and CI runs as root: there the check runs as the unprivileged user 'nobody'.
        var (exitCode, output) = Environment.IsPrivilegedProcess ? await CheckContentAsNobody(_root.FullName) : await CheckContent(_root.FullName);

        Assert.Equal(1, exitCode);
        Assert.Contains("pages/:1: the site is not allowed to read this folder; ask the person who runs the server to let the site read it (its permissions)", output, StringComparison.Ordinal);
        Assert.Contains("1 problem(s) in 1 file(s)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    /// <summary>The check as user 'nobody', from a copy of the app that user can read.</summary>
    private async Task<(int ExitCode, string Output)> CheckContentAsNobody(string folder)
    {
        var app = Directory.CreateDirectory(Path.Combine(_root.FullName, "..", _root.Name + "-app")).FullName;
        try
        {
            foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(app, Path.GetRelativePath(AppContext.BaseDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }

            return await Run(new() { ["HOME"] = app }, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", Path.Combine(app, "RelapseSite.dll"), "check-content", folder], app);
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output)> CheckContent(params string[] args) => Run([], ["check-content", .. args]);

    private static Task<(int ExitCode, string Output)> Run(Dictionary<string, string> environment, params string[] args) =>
        Run(environment, ["dotnet", Path.Combine(AppContext.BaseDirectory, "RelapseSite.dll"), .. args], AppContext.BaseDirectory);

    private static async Task<(int ExitCode, string Output)> Run(Dictionary<string, string> environment, string[] command, string workingDirectory)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in command[1..])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await errors);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose()
    {
        var pages = Path.Combine(_root.FullName, "pages");
        if (Directory.Exists(pages))
        {
            File.SetUnixFileMode(pages, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _root.Delete(recursive: true);
    }
}
