using System.Collections.Frozen;

namespace RelapseSite.Content;

/// <summary>
/// Checks across the whole content folder, after each file was read on its own: links between pages, titles two pages
/// share, and files the site leaves out. Each finding is a warning: the pages are still served.
/// </summary>
public static class ContentChecks
{
    /// <summary>Site paths that are not content pages but are fine to link to.</summary>
    private static readonly FrozenSet<string> FixedPaths =
        new[] { "/", "/contact", "/sitemap.xml", "/robots.txt" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Endings of files meant as pages, longest first: "x.md.txt" is what some editors save "x.md" as.</summary>
    internal static readonly string[] MisnamedEndings = [".md.txt", ".markdown", ".md", ".txt"];

    /// <summary>
    /// Links to a page of this site that does not exist, for example after a section was removed or renamed, and links
    /// to a heading that page does not have ("/guide/warning-signs#no-such-heading"). A link to one of the site's own
    /// files (<paramref name="siteFiles"/>: a picture, the icon) is fine. A link to a page whose file is there but
    /// cannot be shown (<paramref name="notShown"/>: the address its file name gives, and the file) names that file,
    /// so nobody "fixes" the link instead of the page.
    /// </summary>
    public static IEnumerable<ContentError> BrokenLinks(
        List<ContentPage> pages, IReadOnlyDictionary<string, string>? notShown = null, SiteFiles? siteFiles = null)
    {
        var byPath = pages.ToDictionary(p => p.Path, StringComparer.Ordinal);
        foreach (var page in pages)
        {
            foreach (var link in page.InternalLinks)
            {
                var path = link.Target.Split('#', '?')[0].TrimEnd('/');
                path = path.Length == 0 ? "/" : path;
                if (!byPath.TryGetValue(path, out var target) && !FixedPaths.Contains(path))
                {
                    if (siteFiles?.Contains(Uri.UnescapeDataString(path)) == true)
                    {
                        continue;
                    }

                    yield return new ContentError(page.SourceFile, link.Line, notShown?.GetValueOrDefault(path) is { } file
                        ? $"link to '{link.Target}' goes to a page that is not shown until the mistakes in {file} are fixed"
                        : link.IsPicture
                        ? $"picture '{link.Target}' is not on this site; check the spelling, or ask the person who runs the site to add it"
                        : $"link to '{link.Target}' goes to a page that does not exist");
                }
                else if (target is not null && HeadingNamed(link.Target) is { } fragment
                    && !target.Headings.Any(h => h.Id == ContentPage.HeadingIdFromLink(target.Slug, fragment)))
                {
                    yield return new ContentError(page.SourceFile, link.Line,
                        $"link to '{link.Target}' goes to no heading on that page; after the #, write one of its headings in small letters with hyphens, for example #what-to-do for the heading 'What to do'");
                }
            }
        }
    }

    /// <summary>The heading a link names after its '#': none for "#top" and "#main", which every page has, or with a query.</summary>
    private static string? HeadingNamed(string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var fragment = hash < 0 || target.Contains('?', StringComparison.Ordinal) ? "" : target[(hash + 1)..];
        return fragment is "" or "top" or "main" ? null : fragment;
    }

    /// <summary>
    /// Each page whose title another page has too: the title is the heading, the browser tab and the search result,
    /// so two pages with one title cannot be told apart.
    /// </summary>
    public static IEnumerable<ContentError> SharedTitles(List<ContentPage> pages)
    {
        foreach (var group in pages.GroupBy(p => p.Title, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            foreach (var page in group)
            {
                var others = string.Join(" and ", group.Where(p => p != page).Select(p => p.SourceFile).Order(StringComparer.Ordinal));
                yield return new ContentError(page.SourceFile, 1,
                    $"front matter: the title '{page.Title}' is also used by {others}; give each page its own title, because it is what people see in search results and browser tabs");
            }
        }
    }

    /// <summary>
    /// Files and folders in guide/ and pages/ that the site does not publish, so staff hear about them instead of
    /// wondering why a page never appears. Hidden files and editors' leftovers (backup, swap, temporary) are not
    /// anyone's page and are passed over.
    /// </summary>
    public static IEnumerable<ContentError> Unpublished(string root, IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            var path = Path.Combine(root, folder);
            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var sub in Directory.EnumerateDirectories(path).Select(Path.GetFileName).OfType<string>().Where(n => !IsHiddenOrDraft(n)).Order(StringComparer.Ordinal))
            {
                yield return new ContentError($"{folder}/{sub}/", 1,
                    $"this folder is not published: pages must be directly in {folder}/, not in a folder inside it; move the files into {folder}/");
            }

            foreach (var name in Directory.EnumerateFiles(path).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
            {
                if (!IsLeftover(name) && WhyNotPublished(name) is { } reason)
                {
                    yield return new ContentError($"{folder}/{name}", 1, $"this file is not published: {reason}");
                }
            }
        }
    }

    /// <summary>
    /// A hidden file or folder, or a draft: a name starting with '_' is how staff keep drafts (content/README.md). Never
    /// published, and left out on purpose, so never reported either.
    /// </summary>
    internal static bool IsHiddenOrDraft(string name) => name.StartsWith('.') || name.StartsWith('_');

    /// <summary>Not anyone's page: hidden files, drafts, and what editors and operating systems leave beside files.</summary>
    private static bool IsLeftover(string name) =>
        IsHiddenOrDraft(name) || name.StartsWith("~$", StringComparison.Ordinal) || name.EndsWith('~') ||
        (name.StartsWith('#') && name.EndsWith('#')) ||
        LeftoverEndings.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)) ||
        name.Equals("Thumbs.db", StringComparison.OrdinalIgnoreCase) || name.Equals("desktop.ini", StringComparison.OrdinalIgnoreCase);

    private static readonly string[] LeftoverEndings = [".swp", ".tmp", ".bak", ".orig"];

    /// <summary>Why the site leaves this file out, with the name that would publish it; null for a published file.</summary>
    private static string? WhyNotPublished(string name)
    {
        if (name.EndsWith(".md", StringComparison.Ordinal))
        {
            return null;
        }

        var stem = MisnamedEndings
            .Where(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase))
            .Select(e => name[..^e.Length])
            .FirstOrDefault();
        return stem is null
            ? "only text files whose names end in '.md' are published"
            : $"only names ending in '.md' (in small letters) are published; to publish it, rename it to '{stem}.md'";
    }
}
