namespace RelapseSite.Contact;

/// <summary>
/// Only one process delivers from an outbox file at a time. Several may share the file (instances on one host, or an
/// old and a new container overlapping during a deploy): all of them store inquiries, but only the holder of this turn
/// sends them. Without it, a process starting up would put the other's in-flight sends back in the queue, and the same
/// inquiry could reach intake twice. The turn is an exclusive lock on a file next to the outbox, held open for as long
/// as the dispatcher runs; the operating system lets go of it when the process ends, even in a crash, so a file left
/// behind never blocks anyone.
/// </summary>
/// <remarks>
/// Not the outbox file itself: closing any other handle to a database file drops the locks SQLite holds on it.
/// </remarks>
public sealed class OutboxDeliveryTurn : IDisposable
{
    private readonly FileStream _lock;

    private OutboxDeliveryTurn(FileStream held, string path) => (_lock, Path) = (held, path);

    /// <summary>The lock file's full path.</summary>
    public string Path { get; }

    public static string LockPath(string outboxPath) => outboxPath + ".delivery-lock";

    /// <summary>
    /// The turn; or null and why not: <paramref name="heldElsewhere"/> when another process has it, otherwise the lock
    /// file cannot be opened at all (a folder in its place, no access), which no waiting will mend.
    /// </summary>
    public static OutboxDeliveryTurn? TryTake(string outboxPath, out string? reason, out bool heldElsewhere)
    {
        var path = LockPath(outboxPath);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);

            // FileShare.None is an exclusive advisory lock (flock) on Linux and a sharing lock on Windows: a second
            // process, or a second host in this one, is refused until the holder closes the file. Read access is
            // enough to lock, so a lock file left behind by another user (a run as root) still works if readable.
            var held = new OutboxDeliveryTurn(new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.None), path);
            (reason, heldElsewhere) = (null, false);
            return held;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or DirectoryNotFoundException or FileNotFoundException or PathTooLongException)
        {
            (reason, heldElsewhere) = (ex.Message, false);
            return null;
        }
        catch (IOException ex)
        {
            (reason, heldElsewhere) = (ex.Message, true);
            return null;
        }
    }

    /// <summary>
    /// False once the file this turn locks is no longer the one at its path: deleted, or deleted and made anew, when a
    /// process starting then would take a turn of its own. Linux shows a deleted open file in /proc; elsewhere only a
    /// missing file is seen.
    /// </summary>
    public bool IsStillAtItsPath()
    {
        if (!File.Exists(Path))
        {
            return false;
        }

        try
        {
            var target = new FileInfo($"/proc/self/fd/{_lock.SafeFileHandle.DangerousGetHandle()}").LinkTarget;
            return target is null || !target.EndsWith(" (deleted)", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    public void Dispose() => _lock.Dispose();
}
