namespace RelapseSite.Content;

/// <summary>
/// A copy of each content file as it last rendered without an error, kept on disk (in App_Data, beside the outbox),
/// so a page whose file is broken keeps its last good version across a restart, not only while the site runs. Best
/// effort: a folder that cannot be written is reported once and then left alone, and no page depends on it otherwise.
/// Copies are written in order on a background task, after the pages they come from are live: 1,000 files at start-up
/// would otherwise hold the first page back by half a second.
/// </summary>
public sealed class LastGoodCopies(string folder, ILogger logger)
{
    private readonly Lock _queueLock = new();
    private Task _queue = Task.CompletedTask;
    private int _failed;

    public string Folder => folder;

    /// <summary>Keeps <paramref name="text"/> as the last good version of the file, soon.</summary>
    public void Keep(string relative, string text) => Enqueue(() => Write(relative, text));

    /// <summary>
    /// Drops the copies of files that are gone, so a deleted page never comes back: not with a new, broken file of the
    /// same name either.
    /// </summary>
    public void Forget(IEnumerable<string> relatives)
    {
        var gone = relatives.ToList();
        if (gone.Count > 0)
        {
            Enqueue(() => Delete(gone));
        }
    }

    /// <summary>Waits for the copies still being written, up to <paramref name="limit"/>: at shutdown, and in tests.</summary>
    public bool Flush(TimeSpan limit)
    {
        Task queue;
        lock (_queueLock)
        {
            queue = _queue;
        }

        return queue.Wait(limit);
    }

    private void Enqueue(Action work)
    {
        lock (_queueLock)
        {
            _queue = _queue.ContinueWith(
                _ =>
                {
                    try
                    {
                        work();
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // A copy is a spare: whatever went wrong, the live site must not hear of it, nor the next copy.
                        logger.LogWarning("Content:LastGoodPath: a copy of a good page could not be kept ({ErrorType})", ex.GetType().Name);
                    }
                },
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private void Write(string relative, string text)
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
        // After the copies and deletions already asked for: a page deleted a moment ago must not come back from its copy.
        Flush(TimeSpan.FromSeconds(5));
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

    private void Delete(List<string> relatives)
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
