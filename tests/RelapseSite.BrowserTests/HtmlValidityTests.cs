namespace RelapseSite.BrowserTests;

/// <summary>Every page is valid HTML: the W3C Nu checker reports no error. The stylesheet is checked too.</summary>
[Collection(BrowserSuite.Name)]
public sealed class HtmlValidityTests(BrowserFixture browser)
{
    [NuCheckerFact]
    public async Task Every_page_and_the_stylesheet_pass_the_nu_html_checker()
    {
        var folder = Directory.CreateTempSubdirectory("relapsesite-vnu-");
        try
        {
            using var http = browser.CreateHttpClient();
            var files = new List<string>();
            foreach (var path in browser.SitemapPaths.Concat(["/no-such-page", BrowserSite.FailingPath]))
            {
                var name = path == "/" ? "home" : path.Trim('/').Replace('/', '_');
                var file = Path.Combine(folder.FullName, name + ".html");
                using var response = await http.GetAsync(path);
                await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
                files.Add(file);
            }

            var css = Path.Combine(folder.FullName, "site.css");
            await File.WriteAllBytesAsync(css, await http.GetByteArrayAsync("/css/site.css"));
            files.Add(css);

            var errors = await NuChecker.Errors(files);

            Assert.True(files.Count >= 15, $"checked only {files.Count} files");
            Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [NuCheckerFact]
    public async Task The_checker_does_report_an_error_in_a_broken_page()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("relapsesite-vnu-").FullName, "broken.html");
        await File.WriteAllTextAsync(file, "<!DOCTYPE html><html lang=en><title>x</title><p><div>block in p</p></span>");

        var errors = await NuChecker.Errors([file]);

        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        Assert.NotEmpty(errors);
    }
}
