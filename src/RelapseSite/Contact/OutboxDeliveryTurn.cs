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

    /// <summary>What /proc names the locked file as, when taken (Linux); null elsewhere.</summary>
    private readonly string? _heldAs;

    private OutboxDeliveryTurn(FileStream held, string path)
    {
        (_lock, Path) = (held, path);
        _heldAs = HeldAs();
    }

    /// <summary>The lock file's path.</summary>
    public string Path { get; }

    public static string LockPath(string outboxPath) => outboxPath + ".delivery-lock";

    /// <summary>
    /// The turn; or null and why not. <see cref="TakeResult.HeldElsewhere"/> when another process has it; otherwise the
    /// lock file cannot be opened at all (a folder in its place, no access, a broken link), which no waiting will mend.
    /// </summary>
    public static TakeResult TryTake(string outboxPath)
    {
        var path = LockPath(outboxPath);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);

            // FileShare.None is an exclusive advisory lock (flock) on Linux and a sharing lock on Windows: a second
            // process, or a second host in this one, is refused until the holder closes the file. Read access is
            // enough to lock, so a lock file left behind by another user (a run as root) still works if readable.
            return new(new OutboxDeliveryTurn(new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.None), path), null, false);
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            return new(null, ex.Message, true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new(null, ex.Message, false);
        }
    }

    /// <summary>
    /// False once the file this turn locks is no longer the one at its path: deleted, moved away, or replaced, when a
    /// process starting then would take a turn of its own. Linux names the locked file in /proc, with "(deleted)" once
    /// it is; elsewhere only a missing file is seen.
    /// </summary>
    public bool IsStillAtItsPath() => File.Exists(Path) && (_heldAs is null || HeldAs() == _heldAs);

    public void Dispose() => _lock.Dispose();

    private string? HeldAs()
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{_lock.SafeFileHandle.DangerousGetHandle()}").LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The lock is taken: EWOULDBLOCK from flock, which .NET reports as the errno (11 on Linux, 35 on macOS), or a
    /// sharing or lock violation on Windows. Any other failure (no access, a loop of links, a read-only or full disk)
    /// means nobody may hold the turn, and must be said as such.
    /// </summary>
    private static bool IsHeldElsewhere(IOException ex) =>
        ex.HResult is 11 or 35 or unchecked((int)0x80070020) or unchecked((int)0x80070021);
}

/// <summary>The outcome of one try for the delivery turn.</summary>
/// <param name="Turn">The turn, or null.</param>
/// <param name="Reason">Why not, when null.</param>
/// <param name="HeldElsewhere">Another process holds the turn (rather than the lock file being unusable).</param>
public readonly record struct TakeResult(OutboxDeliveryTurn? Turn, string? Reason, bool HeldElsewhere);
