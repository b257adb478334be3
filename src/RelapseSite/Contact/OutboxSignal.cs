using System.Threading.Channels;

namespace RelapseSite.Contact;

/// <summary>
/// Wakes the dispatcher as soon as an inquiry is stored. A one-slot channel: any number of wakes while the dispatcher
/// is busy collapse into one more look at the outbox, and none is lost.
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _wakes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wakes.Writer.TryWrite(true);

    /// <summary>Returns on a wake or after <paramref name="timeout"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_wakes.Reader.TryRead(out _) || timeout <= TimeSpan.Zero)
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _wakes.Reader.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: time to look again.
        }
    }
}
