using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace RelapseSite.Content;

/// <summary>
/// Holds the current <see cref="ContentSnapshot"/> and replaces it, whole, when a file in the content folder changes.
/// Requests read <see cref="Current"/> and never touch the disk.
/// </summary>
public sealed class ContentStore : IDisposable
{
    private readonly ContentLoader _loader;
    private readonly ILogger<ContentStore> _logger;
    private readonly TimeSpan _delay;
    private readonly Lock _reloadLock = new();
    private readonly Lock _watchLock = new();
    private PhysicalFileProvider? _provider;
    private IDisposable? _watch;
    private FileSystemWatcher? _parentWatch;
    private Timer? _debounce;
    private int _folderReplaced;
    private bool _disposed;
    private volatile ContentSnapshot _current = ContentSnapshot.Empty;

    public ContentStore(IOptions<ContentOptions> options, IHostEnvironment environment, ContentLoader loader, ILogger<ContentStore> logger)
    {
        _loader = loader;
        _logger = logger;
        _delay = TimeSpan.FromMilliseconds(options.Value.ReloadDelayMilliseconds);
        Root = options.Value.ResolveRoot(environment.ContentRootPath);
    }

    /// <summary>Raised after a new snapshot is swapped in, so caches of rendered pages can drop theirs.</summary>
    public event Action<ContentSnapshot>? Changed;

    public string Root { get; }

    public ContentSnapshot Current => _current;

    /// <summary>Why the last reload failed as a whole (the folder vanished or became unreadable); null after a good reload.</summary>
    public string? ReloadError { get; private set; }

    /// <summary>True once a first snapshot with at least one page was loaded.</summary>
    public bool IsLoaded => _current.PageCount > 0;

    /// <summary>Loads the folder and starts watching it. Throws, naming the folder, when there is nothing to serve.</summary>
    public void Start()
    {
        if (!ContentLoader.HasContent(Root))
        {
            throw new InvalidOperationException(
                $"Content:Root: the content folder '{Root}' is missing or has no Markdown files in guide/ or pages/.");
        }

        Reload();
        _debounce = new Timer(_ => OnQuiet());
        WatchParent();
        WatchFolder();
    }

    public void Reload()
    {
        lock (_reloadLock)
        {
            ContentSnapshot next;
            try
            {
                // An emptied or unmounted folder is a fault, not an edit: it must not wipe the site.
                if (_current.PageCount > 0 && !ContentLoader.HasContent(Root))
                {
                    throw new DirectoryNotFoundException("it is missing or has no Markdown files");
                }

                next = _loader.Load(Root);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The folder itself went away or became unreadable, or something no file check foresaw: keep serving
                // what we have, and say so in readiness. This runs on a timer thread, where a throw would end the process.
                var unreadable = ex is IOException or UnauthorizedAccessException;
                ReloadError = unreadable
                    ? $"{Root}: the content folder could not be read ({ex.Message}); still serving version {_current.Version}"
                    : $"{Root}: the content could not be loaded ({ex.Message}); still serving version {_current.Version}";
                _logger.LogError(unreadable ? null : ex, "Content reload failed: {Reason}", ReloadError);
                return;
            }

            foreach (var error in next.Errors)
            {
                _logger.LogError("Content error: {ContentError}", error);
            }

            foreach (var warning in next.Warnings)
            {
                _logger.LogWarning("Content warning: {ContentError}", warning);
            }

            _current = next;
            ReloadError = null;
            _logger.LogInformation(
                "Content version {Version} loaded: {PageCount} pages, {RenderedCount} files rendered, {ErrorCount} errors",
                next.Version, next.PageCount, _loader.LastRenderCount, next.Errors.Count);
        }

        Changed?.Invoke(_current);
    }

    public void Dispose()
    {
        lock (_watchLock)
        {
            _disposed = true;
        }

        _parentWatch?.Dispose();
        _watch?.Dispose();
        _debounce?.Dispose();
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
                _logger.LogWarning("Content:Root: could not watch the content folder '{Root}' again ({Reason})", Root, ex.Message);
            }
        }

        Reload();
    }

    private void ScheduleReload()
    {
        try
        {
            _debounce?.Change(_delay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // A last file event raced Dispose: there is nothing left to reload.
        }
    }

    /// <summary>Watches the files in the folder now at <see cref="Root"/>, in place of any earlier folder watch.</summary>
    private void WatchFolder()
    {
        PhysicalFileProvider? provider = null;
        IDisposable? watch = null;
        // A deleted folder has nothing to watch; the parent watch reports its return.
        if (Directory.Exists(Root))
        {
            provider = new PhysicalFileProvider(Root);
            try
            {
                // Not only "*.md": a page saved as "x.markdown" or "x.md.txt" must be reported the moment it is saved,
                // while the editor is still looking, not at some later reload. Editors' swap and backup files stay
                // unwatched, or every few keystrokes would reload the folder.
                var patterns = ContentChecks.MisnamedEndings.Select(ending => "**/*" + ending).ToArray();
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
    /// folder watch is then made again on whatever is at <see cref="Root"/>. This also covers <see cref="Root"/>
    /// itself being a symlink swapped with <c>ln -sfn</c>. It does not cover a link or rename higher up the path (say
    /// <c>/srv/site/current -> releases/v2</c> with the content under it): that needs a restart.
    /// </summary>
    private void WatchParent()
    {
        var root = Path.TrimEndingDirectorySeparator(Root);
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
                Root, ex.Message);
        }
    }

    private void FolderReplaced()
    {
        Interlocked.Exchange(ref _folderReplaced, 1);
        ScheduleReload();
    }
}

/// <summary>Loads content before the server takes its first request.</summary>
internal sealed class ContentStartup(ContentStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
