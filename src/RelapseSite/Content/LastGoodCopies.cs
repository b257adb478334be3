namespace RelapseSite.Content;

/// <summary>
/// A copy of each content file as it last rendered without an error, kept on disk (in App_Data, beside the outbox),
/// so a page whose file is broken keeps its last good version across a restart, not only while the site runs. Best
/// effort: a folder that cannot be written is reported once and then left alone, and no page depends on it otherwise.
/// </summary>
public sealed class LastGoodCopies(string folder, ILogger logger)
{
    private int _failed;

    public string Folder => folder;

    /// <summary>Keeps <paramref name="text"/> as the last good version of the file; called for different files in parallel.</summary>
    public void Keep(string relative, string text)
    {
        if (Volatile.Read(ref _failed) == 1)
        {
            return;
        }

        try
        {
            var path = PathOf(relative);
            if (File.Exists(path) && File.ReadAllText(path) == text)
            {
                return;
            }

            // Written beside it and moved into place, so a crash mid-write never leaves half a page as the "good" one.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path + ".tmp", text);
            File.Move(path + ".tmp", path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (Interlocked.Exchange(ref _failed, 1) == 0)
            {
                logger.LogWarning(
                    "Content:LastGoodPath: cannot keep copies of good pages in {Folder} ({Reason}); after a restart, a page whose file is broken is left out until it is fixed",
                    folder, ex.Message);
            }
        }
    }

    /// <summary>The last good version of the file, or null when none was kept.</summary>
    public string? Read(string relative)
    {
        try
        {
            var path = PathOf(relative);
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Drops the copies of files that are gone, so a deleted page never comes back: not with a new, broken file of the
    /// same name either.
    /// </summary>
    public void Forget(IEnumerable<string> relatives)
    {
        foreach (var relative in relatives)
        {
            try
            {
                File.Delete(PathOf(relative));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left behind: it is only ever read for a file of the same name that is broken.
            }
        }
    }

    /// <summary>The copies kept for files that are not in <paramref name="existing"/> (files deleted while the site was stopped).</summary>
    public IEnumerable<string> Stale(IReadOnlySet<string> existing, IEnumerable<string> folders)
    {
        foreach (var sub in folders)
        {
            var path = Path.Combine(folder, sub);
            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var relative in Directory.EnumerateFiles(path, "*.md").Select(f => $"{sub}/{Path.GetFileName(f)}").Where(r => !existing.Contains(r)))
            {
                yield return relative;
            }
        }
    }

    private string PathOf(string relative) => Path.Combine(folder, relative);
}
