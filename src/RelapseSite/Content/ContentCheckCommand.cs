namespace RelapseSite.Content;

/// <summary>
/// <c>check-content [folder]</c>: the check staff and CI run before publishing an edit. It prints every problem as
/// <c>file:line: message</c> and exits 1, or prints "N pages OK" and exits 0. More than one argument is a usage
/// error, exit 2.
/// </summary>
public static class ContentCheckCommand
{
    public static int Run(IHost host, string[] args, TextWriter output)
    {
        // A second folder would be ignored, and the check would pass or fail for a folder nobody meant.
        if (args.Length > 1)
        {
            output.WriteLine("Usage: check-content [folder]");
            return 2;
        }

        var environment = host.Services.GetRequiredService<IHostEnvironment>();
        // Read the setting without the start-up validator: a missing folder is a finding to print, not a crash.
        var options = host.Services.GetRequiredService<IConfiguration>().GetSection(ContentOptions.Section).Get<ContentOptions>() ?? new();
        var root = args.Length > 0
            ? Path.GetFullPath(args[0])
            : options.ResolveRoot(environment.ContentRootPath);
        return Check(root, output, host.Services.GetService<SiteFiles>());
    }

    /// <param name="siteFiles">The site's own files, which links and pictures may point at.</param>
    public static int Check(string root, TextWriter output, SiteFiles? siteFiles = null)
    {
        if (ContentLoader.Unservable(root) is { } reason)
        {
            output.WriteLine($"{root}: this content folder cannot be served: {reason}");
            return 1;
        }

        var snapshot = new ContentLoader(new MarkdownRenderer(), siteFiles).Load(root);
        var problems = snapshot.Errors.Concat(snapshot.Warnings)
            .OrderBy(e => e.File, StringComparer.Ordinal)
            .ThenBy(e => e.Line)
            .ToList();
        foreach (var problem in problems)
        {
            output.WriteLine(problem);
        }

        if (problems.Count > 0)
        {
            var files = problems.Select(p => p.File).Distinct().Count();
            output.WriteLine($"{problems.Count} problem(s) in {files} file(s) under {root}");
            return 1;
        }

        output.WriteLine($"{snapshot.PageCount} pages OK");
        return 0;
    }
}
