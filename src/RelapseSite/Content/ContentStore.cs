using Microsoft.Extensions.Options;

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
    private ContentFolderWatcher? _watcher;
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
        if (ContentLoader.Unservable(Root) is { } reason)
        {
            // The same failure ContentOptions' own check reports, for a folder emptied since: named, not a stack trace.
            throw new OptionsValidationException(ContentOptions.Section, typeof(ContentOptions),
                [ContentOptions.NoContentAt(Root, reason)]);
        }

        Reload();
        _watcher = new ContentFolderWatcher(Root, _delay, Reload, _logger);
    }

    public void Reload()
    {
        lock (_reloadLock)
        {
            // An emptied or unmounted folder is a fault, not an edit: it must not wipe the site, or a whole part of it.
            if (_current.PageCount > 0 && (ContentLoader.Unservable(Root) ?? ContentLoader.Vanished(Root, _current)) is { } reason)
            {
                ReloadError = $"{Root}: {reason}; still serving version {_current.Version} until it is back";
                _logger.LogError("Content reload failed: {Reason}", ReloadError);
                return;
            }

            ContentSnapshot next;
            try
            {
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
        _watcher?.Dispose();
        // Copies of good pages still being written would be lost, and a page broken before the next start with them.
        _loader.FlushCopies(TimeSpan.FromSeconds(5));
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
