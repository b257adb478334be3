using System.Collections.Concurrent;

namespace RelapseSite.Content;

/// <summary>
/// A copy of each content file as it last rendered without an error, kept on disk (in App_Data, beside the outbox),
/// so a page whose file is broken keeps its last good version across a restart, not only while the site runs.
/// <para>
/// Best effort, and never wrong: a copy that may be out of date is not used. If the folder cannot be written when the
/// site starts, no copy is read at all (an old one could bring back a page since corrected or deleted). If one copy
/// cannot be updated or removed later, that copy is dropped, or else not trusted until it is written again. Copies are
/// written in order on a background task, after the pages they come from are live: 1,000 files at start-up would
/// otherwise hold the first page back by half a second.
/// </para>
/// </summary>
public sealed class LastGoodCopies
{
    private readonly string _folder;
    private readonly ILogger _logger;
    private readonly Lock _queueLock = new();
    private readonly ConcurrentDictionary<string, bool> _untrusted = new(StringComparer.Ordinal);
    private readonly bool _usable;
    private Task _queue = Task.CompletedTask;
    private int _warned;

    public LastGoodCopies(string folder, ILogger logger)
    {
        (_folder, _logger) = (folder, logger);
        try
        {
            // Write and remove a file once, so a folder that cannot be written is known before any copy is trusted.
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".probe-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            _usable = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(
                "Content:LastGoodPath: '{Folder}' cannot be written ({Reason}), so no copy of a good page is kept or used; after a restart, a page whose file is broken is left out until it is fixed",
                folder, ex.Message);
        }
    }

    public string Folder => _folder;

    /// <summary>Keeps <paramref name="text"/> as the last good version of the file, soon.</summary>
    public void Keep(string relative, string text)
    {
        if (_usable)
        {
            Enqueue(() => Write(relative, text));
        }
    }

    /// <summary>
    /// Drops the copies of files that are gone, so a deleted page never comes back: not with a new, broken file of the
    /// same name either.
    /// </summary>
    public void Forget(IEnumerable<string> relatives)
    {
        var gone = relatives.ToList();
        if (_usable && gone.Count > 0)
        {
            Enqueue(() => gone.ForEach(Drop));
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

    /// <summary>The last good version of the file, or null when none was kept, or the one kept may be out of date.</summary>
    public string? Read(string relative)
    {
        if (!_usable)
        {
            return null;
        }

        // After the copies and deletions already asked for: a page deleted a moment ago must not come back from its copy.
        Flush(TimeSpan.FromSeconds(5));
        if (_untrusted.ContainsKey(relative))
        {
            return null;
        }

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

    /// <summary>The copies kept for files that are not in <paramref name="existing"/> (files deleted while the site was stopped).</summary>
    public IEnumerable<string> Stale(IReadOnlySet<string> existing, IEnumerable<string> folders)
    {
        foreach (var sub in folders)
        {
            var path = Path.Combine(_folder, sub);
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
                        _logger.LogWarning("Content:LastGoodPath: a copy of a good page could not be kept ({ErrorType})", ex.GetType().Name);
                    }
                },
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private void Write(string relative, string text)
    {
        var path = PathOf(relative);
        // A name of its own: two site processes sharing App_Data may write the same copy at once.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            if (File.Exists(path) && File.ReadAllText(path) == text)
            {
                _untrusted.TryRemove(relative, out _);
                return;
            }

            // Written beside it and moved into place, so a crash mid-write never leaves half a page as the "good" one.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
            _untrusted.TryRemove(relative, out _);
            Interlocked.Exchange(ref _warned, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            // The copy on disk is now older than the live page: better none than a page that was since corrected.
            Drop(relative);
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                _logger.LogWarning(
                    "Content:LastGoodPath: a copy of a good page could not be written in {Folder} ({Reason}); until it can, such a page is left out after a restart if its file is broken",
                    _folder, ex.Message);
            }
        }
    }

    /// <summary>Removes the copy; if even that fails, it is not trusted again until it is written anew.</summary>
    private void Drop(string relative)
    {
        if (!TryDelete(PathOf(relative)))
        {
            _untrusted[relative] = true;
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private string PathOf(string relative) => Path.Combine(_folder, relative);
}
