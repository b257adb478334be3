namespace RelapseSite.Contact;

/// <summary>
/// Only one process delivers from an outbox file at a time. Several may share the file (instances on one host, or an
/// old and a new container overlapping during a deploy): all of them store inquiries, but only the holder of this turn
/// sends them. Without it, a process starting up would put the other's in-flight sends back in the queue, and the same
/// inquiry could reach intake twice. The turn is an exclusive lock on a file next to the outbox, held open for as long
/// as the dispatcher runs; the operating system lets go of it when the process ends, even in a crash.
/// </summary>
public sealed class OutboxDeliveryTurn : IDisposable
{
    private readonly FileStream _lock;

    private OutboxDeliveryTurn(FileStream held) => _lock = held;

    public static string LockPath(string outboxPath) => outboxPath + ".delivery-lock";

    /// <summary>The turn, or null with the reason when another process has it (or the lock file cannot be opened).</summary>
    public static (OutboxDeliveryTurn? Turn, string? Reason) TryTake(string outboxPath)
    {
        var path = LockPath(outboxPath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);

            // FileShare.None is an exclusive advisory lock (flock) on Linux and a sharing lock on Windows: a second
            // process, or a second host in this one, is refused until the holder closes the file.
            return (new OutboxDeliveryTurn(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, ex.Message);
        }
    }

    public void Dispose() => _lock.Dispose();
}
