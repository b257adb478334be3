using System.Diagnostics;

namespace RelapseSite.Tests.Content;

/// <summary><c>check-content</c> as staff and CI run it: the real app, as a separate process.</summary>
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

    private static async Task<(int ExitCode, string Output)> CheckContent(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RelapseSite.dll"));
        start.ArgumentList.Add("check-content");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";

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

    public void Dispose() => _root.Delete(recursive: true);
}
