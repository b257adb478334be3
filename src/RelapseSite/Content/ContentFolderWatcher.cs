using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace RelapseSite.Content;

/// <summary>
/// Watches the content folder and calls back once things have been quiet for the reload delay: an editor's save is
/// often several writes. It follows the folder at the path, not only the folder that was there at start, so a
/// deploy that replaces the folder whole is noticed too (<see cref="WatchParent"/>).
/// </summary>
internal sealed class ContentFolderWatcher : IDisposable
{
    private readonly string _root;
    private readonly TimeSpan _delay;
    private readonly Action _reload;
    private readonly ILogger _logger;
    private readonly Lock _watchLock = new();
    private readonly Timer _debounce;
    private PhysicalFileProvider? _provider;
    private IDisposable? _watch;
    private FileSystemWatcher? _parentWatch;
    private int _folderReplaced;
    private bool _disposed;

    /// <summary>Starts watching. Throws when the folder itself cannot be watched.</summary>
    public ContentFolderWatcher(string root, TimeSpan delay, Action reload, ILogger logger)
    {
        (_root, _delay, _reload, _logger) = (root, delay, reload, logger);
        _debounce = new Timer(_ => OnQuiet());
        WatchParent();
        WatchFolder();
    }

    public void Dispose()
    {
        lock (_watchLock)
        {
            _disposed = true;
        }

        _parentWatch?.Dispose();
        _watch?.Dispose();
        _debounce.Dispose();
        _provider?.Dispose();
    }

    private void OnQuiet()
    {
        // Watch the new folder before reading it, so an edit made while it is read starts one more reload.
        if (Interlocked.Exchange(ref _folderReplaced, 0) == 1)
        {
            try
            {
                WatchFolder();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Gone again before it could be watched (the parent watch will report its return), or out of watches.
                // This runs on a timer thread, where a throw would end the process.
                _logger.LogWarning("Content:Root: could not watch the content folder '{Root}' again ({Reason})", _root, ex.Message);
            }
        }

        _reload();
    }

    private void ScheduleReload()
    {
        try
        {
            _debounce.Change(_delay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // A last file event raced Dispose: there is nothing left to reload.
        }
    }

    /// <summary>Watches the files in the folder now at <c>Content:Root</c>, in place of any earlier folder watch.</summary>
    private void WatchFolder()
    {
        PhysicalFileProvider? provider = null;
        IDisposable? watch = null;
        // A deleted folder has nothing to watch; the parent watch reports its return.
        if (Directory.Exists(_root))
        {
            provider = new PhysicalFileProvider(_root);
            try
            {
                // Not only "*.md": a page saved as "x.markdown" or "x.md.txt" must be reported the moment it is saved,
                // while the editor is still looking, not at some later reload. Editors' swap and backup files stay
                // unwatched, or every few keystrokes would reload the folder. The folders themselves too: guide/ moved
                // away, or moved back in from elsewhere, brings no event for the files inside it.
                var patterns = ContentChecks.MisnamedEndings.Select(ending => "**/*" + ending).Concat(ContentLoader.FolderNames).ToArray();
                watch = ChangeToken.OnChange(() => new CompositeChangeToken([.. patterns.Select(provider.Watch)]), ScheduleReload);
            }
            catch
            {
                provider.Dispose();
                throw;
            }
        }

        (PhysicalFileProvider? Provider, IDisposable? Watch) old;
        lock (_watchLock)
        {
            if (_disposed)
            {
                old = (provider, watch);
            }
            else
            {
                old = (_provider, _watch);
                (_provider, _watch) = (provider, watch);
            }
        }

        // Outside the lock: disposing a watch waits for a change callback that may be running on another thread.
        old.Watch?.Dispose();
        old.Provider?.Dispose();
    }

    /// <summary>
    /// On Linux a folder watch follows the folder itself, not its path. A deploy that renames a new folder into place
    /// (<c>mv content.new content</c>), or a folder deleted and copied back, would leave it watching the old or deleted
    /// folder for good. So the parent is watched for the folder's own name coming, going or being renamed, and the
    /// folder watch is then made again on whatever is at <c>Content:Root</c>. This also covers <c>Content:Root</c>
    /// itself being a symlink swapped with <c>ln -sfn</c>. It does not cover a link or rename higher up the path (say
    /// <c>/srv/site/current -> releases/v2</c> with the content under it): that needs a restart.
    /// </summary>
    private void WatchParent()
    {
        var root = Path.TrimEndingDirectorySeparator(_root);
        var parent = Path.GetDirectoryName(root);
        if (parent is null)
        {
            // A filesystem root cannot be renamed or deleted.
            return;
        }

        FileSystemWatcher? watcher = null;
        try
        {
            // FileName too: a symlink is not a directory to the watcher, and it is one a deploy may swap.
            watcher = new FileSystemWatcher(parent, Path.GetFileName(root))
            {
                NotifyFilter = NotifyFilters.DirectoryName | NotifyFilters.FileName,
            };
            watcher.Created += (_, _) => FolderReplaced();
            watcher.Deleted += (_, _) => FolderReplaced();
            watcher.Renamed += (_, _) => FolderReplaced();
            // Lost events (a full buffer) may have hidden a swap; watching again is cheap and harmless.
            watcher.Error += (_, _) => FolderReplaced();
            watcher.EnableRaisingEvents = true;
            _parentWatch = watcher;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            watcher?.Dispose();
            // Edits inside the folder still go live; only a replaced folder needs a restart. Not worth stopping the site.
            _logger.LogWarning(
                "Content:Root: cannot watch the parent of '{Root}' ({Reason}); a content folder that is replaced or restored will only be served after a restart",
                _root, ex.Message);
        }
    }

    private void FolderReplaced()
    {
        Interlocked.Exchange(ref _folderReplaced, 1);
        ScheduleReload();
    }
}
