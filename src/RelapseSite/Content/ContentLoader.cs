namespace RelapseSite.Content;

/// <summary>
/// Reads the content folder into a <see cref="ContentSnapshot"/>. It remembers each file's result by its timestamp
/// and size, so a reload re-renders only the files that changed, and a file that breaks keeps its last good page.
/// Not thread-safe: one reload at a time (the store serialises them).
/// </summary>
/// <param name="siteFiles">The site's own files, so a link or picture pointing at one is not reported as a missing page.</param>
/// <param name="copies">Last good versions kept on disk, so a broken file keeps its page across a restart; none for a check.</param>
public sealed class ContentLoader(MarkdownRenderer renderer, SiteFiles? siteFiles = null, LastGoodCopies? copies = null)
{
    private static readonly (string Folder, PageKind Kind)[] Folders = [("guide", PageKind.Guide), ("pages", PageKind.Standalone)];

    /// <summary>The folders pages are read from: guide/ and pages/.</summary>
    public static IEnumerable<string> FolderNames => Folders.Select(f => f.Folder);

    private readonly Dictionary<string, FileEntry> _files = new(StringComparer.Ordinal);

    /// <summary>Which file served each slug in the last snapshot, so a clash leaves the live page where it is.</summary>
    private Dictionary<(PageKind, string), string> _owners = [];
    private long _version;

    /// <summary>Finishes writing the copies of good pages, up to <paramref name="limit"/>.</summary>
    public void FlushCopies(TimeSpan limit) => copies?.Flush(limit);

    /// <summary>How many files the last <see cref="Load"/> read and rendered: the changed ones only.</summary>
    public int LastRenderCount { get; private set; }

    /// <summary>
    /// Why the folder cannot serve the site, worded for the operator; null when it can. The guide is the site: with no
    /// section in guide/, the home page would be an empty shell with the crisis numbers and nothing else.
    /// </summary>
    public static string? Unservable(string root)
    {
        if (!Directory.Exists(root))
        {
            return "it is missing";
        }

        try
        {
            return EnumerateMarkdown(Path.Combine(root, "guide")).Any() ? null : "it has no guide/ folder with a published Markdown file in it";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"its guide/ folder cannot be read ({ex.Message})";
        }
    }

    /// <summary>
    /// pages/ gone while it has pages in <paramref name="current"/>: moved away or unmounted, not edited. Deleting its
    /// last page, or making it a draft, is an edit and goes live. (guide/ can never be emptied: see <see cref="Unservable"/>.)
    /// </summary>
    public static string? Vanished(string root, ContentSnapshot current) =>
        current.Standalone.Count > 0 && !Directory.Exists(Path.Combine(root, "pages")) ? "pages/ is missing" : null;

    public ContentSnapshot Load(string root)
    {
        var errors = new List<ContentError>();
        var warnings = new List<ContentError>();
        var candidates = new List<ContentPage>();

        // Ordinal order by file name, so the output (and the order of errors) is the same from one load to the next.
        var files = new List<(string Path, string Relative, PageKind Kind)>();
        var unreadable = new List<string>();
        foreach (var (folder, kind) in Folders)
        {
            try
            {
                files.AddRange(EnumerateMarkdown(Path.Combine(root, folder)).Order(StringComparer.Ordinal)
                    .Select(path => (path, $"{folder}/{Path.GetFileName(path)}", kind)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // One folder the site may not read must not hide the other: it is an error, and its pages stay as they
                // were at the last load (none, at start-up).
                unreadable.Add(folder + "/");
                errors.Add(new ContentError($"{folder}/", 1, ex is UnauthorizedAccessException
                    ? "the site is not allowed to read this folder; ask the person who runs the server to let the site read it (its permissions)"
                    : $"could not read this folder: {ex.Message}"));
                files.AddRange(_files.Keys.Where(k => k.StartsWith(folder + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                    .Select(relative => (Path.Combine(root, relative), relative, kind)));
            }
        }

        var entries = Refresh(files, unreadable);
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

        var gone = _files.Keys.Where(k => !seen.Contains(k)).ToList();
        foreach (var file in gone)
        {
            _files.Remove(file);
        }

        // Deleted while the site ran, or (at the first load) while it was stopped.
        copies?.Forget(_version == 0 ? copies.Stale(seen, Folders.Select(f => f.Folder).Where(f => !unreadable.Contains(f + "/"))).ToList() : gone);

        var pages = Deduplicate(candidates, errors);
        // Files that serve nothing now, by the address their name gives ("05-warning-signs.md": /guide/warning-signs).
        var notShown = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (entry, file) in entries.Zip(files).Where(e => e.First.Result.Page is null && e.First.LastGood is null))
        {
            notShown.TryAdd(ContentPage.PathOf(file.Kind, MarkdownRenderer.SlugFromFileName(file.Relative)), file.Relative);
        }

        warnings.AddRange(ContentChecks.BrokenLinks(pages, notShown, siteFiles));
        warnings.AddRange(ContentChecks.SharedTitles(pages));
        warnings.AddRange(ContentChecks.Unpublished(root, Folders.Select(f => f.Folder).Where(f => !unreadable.Contains(f + "/"))));
        return new ContentSnapshot(pages, errors, warnings, Interlocked.Increment(ref _version));
    }

    /// <summary>
    /// The entry for every file, in order. Only files whose timestamp or size changed are read and rendered, and those
    /// in parallel: the renderer is thread-safe, and 1,000 files at start-up would otherwise take seconds on one core.
    /// </summary>
    private FileEntry[] Refresh(List<(string Path, string Relative, PageKind Kind)> files, List<string> unreadable)
    {
        // A file in a folder that cannot be listed keeps its entry: its stamp cannot be read either.
        bool Kept(int i) => unreadable.Any(folder => files[i].Relative.StartsWith(folder, StringComparison.Ordinal));
        var stamps = files.Select((f, i) => Kept(i) ? _files[f.Relative].Stamp : Stamp(f.Path)).ToArray();
        var changed = Enumerable.Range(0, files.Count)
            .Where(i => !Kept(i) && !(_files.TryGetValue(files[i].Relative, out var known) && known.Stamp == stamps[i]))
            .ToArray();

        var results = new RenderResult[files.Count];
        Parallel.ForEach(changed, i => results[i] = Render(files[i].Path, files[i].Relative, files[i].Kind));

        foreach (var i in changed)
        {
            var lastGood = _files.TryGetValue(files[i].Relative, out var known) ? known.LastGood : null;
            if (results[i].Page is null && lastGood is null && copies?.Read(files[i].Relative) is { } kept)
            {
                // Broken since before this start: the copy kept when it last rendered stands in, as it would have
                // had the site not restarted. Its error is still reported.
                lastGood = SafeRender(kept, files[i].Relative, files[i].Kind);
            }

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
            if (ContentText.Decode(File.ReadAllBytes(path), out var lineNotUtf8) is not { } text)
            {
                return new RenderResult(null, [new ContentError(relative, lineNotUtf8, ContentText.NotUtf8)]);
            }

            var result = renderer.Render(text, relative, kind);
            if (result.Page is not null)
            {
                copies?.Keep(relative, text);
            }

            return result;
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

    /// <summary>A kept copy rendered again; null if even that fails (the rules may have changed since).</summary>
    private ContentPage? SafeRender(string text, string relative, PageKind kind)
    {
        try
        {
            return renderer.Render(text, relative, kind).Page;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
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
