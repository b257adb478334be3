namespace RelapseSite.Content;

/// <summary>
/// Reads the content folder into a <see cref="ContentSnapshot"/>. It remembers each file's result by its timestamp
/// and size, so a reload re-renders only the files that changed, and a file that breaks keeps its last good page.
/// Not thread-safe: one reload at a time (the store serialises them).
/// </summary>
public sealed class ContentLoader(MarkdownRenderer renderer)
{
    private static readonly (string Folder, PageKind Kind)[] Folders = [("guide", PageKind.Guide), ("pages", PageKind.Standalone)];

    private readonly Dictionary<string, FileEntry> _files = new(StringComparer.Ordinal);

    /// <summary>Which file served each slug in the last snapshot, so a clash leaves the live page where it is.</summary>
    private Dictionary<(PageKind, string), string> _owners = [];
    private long _version;

    /// <summary>How many files the last <see cref="Load"/> read and rendered: the changed ones only.</summary>
    public int LastRenderCount { get; private set; }

    /// <summary>True when the folder has at least one Markdown file the site would serve.</summary>
    public static bool HasContent(string root) =>
        Directory.Exists(root) && Folders.Any(f => EnumerateMarkdown(Path.Combine(root, f.Folder)).Any());

    public ContentSnapshot Load(string root)
    {
        var errors = new List<ContentError>();
        var warnings = new List<ContentError>();
        var candidates = new List<ContentPage>();

        // Ordinal order by file name, so the output (and the order of errors) is the same from one load to the next.
        var files = Folders
            .SelectMany(f => EnumerateMarkdown(Path.Combine(root, f.Folder)).Order(StringComparer.Ordinal)
                .Select(path => (Path: path, Relative: $"{f.Folder}/{Path.GetFileName(path)}", f.Kind)))
            .ToList();
        var entries = Refresh(files);
        foreach (var entry in entries)
        {
            errors.AddRange(entry.Result.Page is null ? entry.Result.Errors : []);
            warnings.AddRange(entry.Result.Page is null ? [] : entry.Result.Errors);
            if ((entry.Result.Page ?? entry.LastGood) is { } page)
            {
                candidates.Add(page);
            }
        }

        var seen = files.Select(f => f.Relative).ToHashSet(StringComparer.Ordinal);

        foreach (var gone in _files.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _files.Remove(gone);
        }

        var pages = Deduplicate(candidates, errors);
        warnings.AddRange(ContentChecks.BrokenLinks(pages));
        warnings.AddRange(ContentChecks.SharedTitles(pages));
        warnings.AddRange(ContentChecks.Unpublished(root, Folders.Select(f => f.Folder)));
        return new ContentSnapshot(pages, errors, warnings, Interlocked.Increment(ref _version));
    }

    /// <summary>
    /// The entry for every file, in order. Only files whose timestamp or size changed are read and rendered, and those
    /// in parallel: the renderer is thread-safe, and 1,000 files at start-up would otherwise take seconds on one core.
    /// </summary>
    private FileEntry[] Refresh(List<(string Path, string Relative, PageKind Kind)> files)
    {
        var stamps = files.Select(f => Stamp(f.Path)).ToArray();
        var changed = Enumerable.Range(0, files.Count)
            .Where(i => !(_files.TryGetValue(files[i].Relative, out var known) && known.Stamp == stamps[i]))
            .ToArray();

        var results = new RenderResult[files.Count];
        Parallel.ForEach(changed, i => results[i] = Render(files[i].Path, files[i].Relative, files[i].Kind));

        foreach (var i in changed)
        {
            var lastGood = _files.TryGetValue(files[i].Relative, out var known) ? known.LastGood : null;
            _files[files[i].Relative] = new FileEntry(stamps[i], results[i], results[i].Page ?? lastGood);
        }

        LastRenderCount = changed.Length;
        return [.. files.Select(f => _files[f.Relative])];
    }

    private static (DateTime, long) Stamp(string path)
    {
        var info = new FileInfo(path);
        return (info.LastWriteTimeUtc, info.Length);
    }

    private RenderResult Render(string path, string relative, PageKind kind)
    {
        try
        {
            return renderer.Render(File.ReadAllText(path), relative, kind);
        }
        catch (IOException ex)
        {
            // A file can vanish or be locked half-way through a save; the next change event reloads it.
            return new RenderResult(null, [new ContentError(relative, 1, $"could not read the file: {ex.Message}")]);
        }
        catch (UnauthorizedAccessException)
        {
            return new RenderResult(null, [new ContentError(relative, 1,
                "the site is not allowed to read this file; ask the person who runs the server to let the site read it (its permissions)")]);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One file must never take the site down: whatever the parser or renderer throws becomes this file's error,
            // and the site keeps serving every other page (and this one's last good version).
            return new RenderResult(null, [new ContentError(relative, 1, ex is ArgumentException && ex.Message.Contains("nested", StringComparison.Ordinal)
                ? "the text is nested too deeply (for example many '[' or '>' or list levels inside each other); simplify it"
                : $"this file could not be turned into a page ({ex.Message})")]);
        }
    }

    /// <summary>
    /// Drops pages whose slug is reserved or taken. A clash is settled in favour of the file that served that slug in the
    /// last snapshot: otherwise a new file such as "05-warning-signs.md" (slug "warning-signs"), which sorts first by
    /// name, would silently replace the live, reviewed page. With no previous owner (start-up, check-content) the file
    /// named exactly as the address wins ("warning-signs.md" over "05-warning-signs.md" or a 'slug:' override), then
    /// the file name: a rule that editing a file cannot flip, as its last-write time could. The file left out gets the
    /// error, naming the one that is shown.
    /// </summary>
    private List<ContentPage> Deduplicate(List<ContentPage> candidates, List<ContentError> errors)
    {
        var allowed = new List<ContentPage>();
        foreach (var page in candidates)
        {
            if (ContentPage.ReservedSlugs.Contains(page.Slug))
            {
                errors.Add(new ContentError(page.SourceFile, 1, $"slug '{page.Slug}' is reserved for the site itself; choose another file name or 'slug'"));
            }
            else
            {
                allowed.Add(page);
            }
        }

        var owners = allowed
            .GroupBy(p => (p.Kind, p.Slug))
            .ToDictionary(g => g.Key, g => g
                .OrderBy(p => _owners.GetValueOrDefault(g.Key) == p.SourceFile ? 0 : 1)
                .ThenBy(p => Path.GetFileNameWithoutExtension(p.SourceFile) == p.Slug ? 0 : 1)
                .ThenBy(p => p.SourceFile, StringComparer.Ordinal)
                .First());

        // The pages keep the order of the files; only the ones that lost a clash are left out.
        var pages = new List<ContentPage>();
        foreach (var page in allowed)
        {
            var owner = owners[(page.Kind, page.Slug)];
            if (ReferenceEquals(owner, page))
            {
                pages.Add(page);
            }
            else
            {
                errors.Add(new ContentError(page.SourceFile, 1, $"slug '{page.Slug}' is already used by {owner.SourceFile}; this file is not shown until its slug is unique"));
            }
        }

        _owners = owners.ToDictionary(o => o.Key, o => o.Value.SourceFile);
        return pages;
    }

    private static IEnumerable<string> EnumerateMarkdown(string folder) =>
        Directory.Exists(folder)
            // EndsWith as well as the pattern: on Windows "*.md" also matches "x.MD", which must be left out everywhere alike.
            ? Directory.EnumerateFiles(folder, "*.md").Where(f => Path.GetFileName(f) is var n && !ContentChecks.IsHiddenOrDraft(n) && n.EndsWith(".md", StringComparison.Ordinal))
            : [];

    private sealed record FileEntry((DateTime, long) Stamp, RenderResult Result, ContentPage? LastGood);
}
