using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace RelapseSite.Contact;

/// <summary>
/// Sends what the outbox holds, outside any web request. It starts by making everything waiting due at once, then
/// wakes for each new inquiry and otherwise when the next retry is due. Failures back off exponentially with jitter
/// (30 s doubling to a 30 min cap by default); after <c>Outbox:DeadAfterHours</c> an inquiry is marked dead and an
/// error names its id. Logs carry inquiry ids and error kinds, never a name, an address or a message.
/// </summary>
public sealed class OutboxDispatcher(
    Outbox outbox,
    IMailSender sender,
    InquiryMessage messages,
    OutboxSignal signal,
    OutboxDeliveryState state,
    IOptions<OutboxOptions> outboxOptions,
    IOptions<MailOptions> mailOptions,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 20;

    /// <summary>How long opening the lock file may take: a named pipe in its place, or a share that does not answer, would block for good.</summary>
    private static readonly TimeSpan LockOpenTimeout = TimeSpan.FromSeconds(5);

    /// <summary>This process's turn to deliver; null while another process has it.</summary>
    private OutboxDeliveryTurn? _turn;

    /// <summary>A try for the turn that has not finished opening the lock file; never more than one at a time.</summary>
    private Task<TakeResult>? _pendingTake;

    /// <summary>
    /// Inquiries the mail server took whose delivery the outbox could not record (a full disk, say). Recorded before
    /// anything is claimed or resumed, and never sent again: the row still says "sending", and without this the
    /// process would send it a second time once the disk had room.
    /// </summary>
    private readonly HashSet<string> _sentNotRecorded = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DescribeMailRoute();
        _turn = await WaitForTurnAsync(stoppingToken);
        try
        {
            await DeliverAsync(stoppingToken);
        }
        finally
        {
            await RecordSentAtStopAsync();
            state.Delivering = false;
            _turn?.Dispose();
        }
    }

    /// <summary>
    /// The last chance to record deliveries the outbox could not record at the time: a stop (an operator restarting
    /// the site once the disk has room) would otherwise leave them "sending", and the next start would send them again.
    /// </summary>
    private async Task RecordSentAtStopAsync()
    {
        try
        {
            await RecordSentAsync();
        }
        catch (Exception ex)
        {
            foreach (var id in _sentNotRecorded)
            {
                logger.LogError(
                    "Inquiry {InquiryId} was delivered, but the outbox still cannot record it ({ErrorType}); the site is stopping, so it will be sent again when the site next starts",
                    id, ex.GetType().Name);
            }
        }
    }

    private async Task DeliverAsync(CancellationToken stoppingToken)
    {
        var started = false;
        var interrupted = false;
        var checkpointOwed = false;
        while (!stoppingToken.IsCancellationRequested && _turn is { } turn)
        {
            var options = outboxOptions.Value;
            TimeSpan wait;
            try
            {
                if (!turn.IsStillAtItsPath())
                {
                    (_turn, var waited) = await RetakeTurnAsync(turn, stoppingToken);
                    if (_turn is null)
                    {
                        break;
                    }

                    // Another process delivered meanwhile and has stopped: start over as at start-up.
                    started &= !waited;
                }

                await RecordSentAsync();
                if (!started)
                {
                    var waiting = await outbox.ResumeAsync(onlyInterrupted: false, stoppingToken);
                    started = true;
                    if (waiting > 0)
                    {
                        logger.LogInformation("{Count} inquiries were waiting in the outbox; sending them now", waiting);
                    }
                }
                else if (interrupted)
                {
                    await outbox.ResumeAsync(onlyInterrupted: true, stoppingToken);
                    interrupted = false;
                }

                if (await PurgeExpiredAsync(options, stoppingToken))
                {
                    checkpointOwed = true;
                }

                while (await DeliverBatchAsync(options, stoppingToken) is { } delivered)
                {
                    checkpointOwed |= delivered > 0;
                }

                // Until the checkpoint succeeds, delivered inquiries' old pages may still sit in the WAL: keep trying.
                if (checkpointOwed)
                {
                    checkpointOwed = !await outbox.CheckpointAsync(stoppingToken);
                }

                var next = await outbox.NextDueAsync(stoppingToken);
                wait = next is null ? options.Poll : Clamp(next.Value - time.GetUtcNow(), TimeSpan.Zero, options.Poll);
                if (checkpointOwed)
                {
                    wait = Clamp(wait, TimeSpan.Zero, TimeSpan.FromSeconds(1));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The outbox itself failed (disk, permissions). Never let the dispatcher die: the host would stop with it.
                logger.LogError("The outbox dispatcher could not work ({ErrorType}); trying again in {Delay}", ex.GetType().Name, options.RetryBase);
                interrupted = true;
                wait = options.RetryBase;
            }

            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Waits until this process may deliver from the outbox (<see cref="OutboxDeliveryTurn"/>), trying again every
    /// <c>Outbox:PollSeconds</c>; null when the site stops first. Meanwhile the form still stores inquiries here, and
    /// the process that has the turn sends them.
    /// </summary>
    private async Task<OutboxDeliveryTurn?> WaitForTurnAsync(CancellationToken stoppingToken)
    {
        var said = false;
        string? problem = null;
        while (true)
        {
            TakeResult result;
            try
            {
                result = await TryTakeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return null;
            }

            var (turn, reason, heldElsewhere) = result;
            if (turn is not null)
            {
                if (said || problem is not null)
                {
                    logger.LogInformation("This process now delivers the inquiries in the outbox");
                }

                (state.Delivering, state.Problem) = (true, null);
                return turn;
            }

            if (heldElsewhere)
            {
                // Whatever was wrong with the lock file is mended: another process holds it, and delivers.
                state.Problem = null;
                if (!said)
                {
                    logger.LogWarning(
                        "Another process delivers the inquiries in this outbox ({Reason}); this one stores inquiries and takes over delivery when that one stops",
                        reason);
                    said = true;
                }
            }
            else if (reason != problem)
            {
                // Perhaps nobody is delivering at all: say so loudly, and in readiness, until it is mended.
                problem = reason;
                var path = OutboxDeliveryTurn.LockPath(outbox.FilePath);
                state.Problem = $"This process cannot deliver inquiries: the outbox's delivery lock {path} cannot be opened ({reason}). Unless another site process holds it, none is delivered. Give the site's user access to it, or remove what is in its place.";
                logger.LogError(
                    "This process cannot deliver inquiries: the outbox's delivery lock {Path} cannot be opened ({Reason}). Unless another site process holds it, none is delivered. Give the site's user access to it, or remove what is in its place",
                    path,
                    reason);
            }

            try
            {
                await Task.Delay(outboxOptions.Value.Poll, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    /// <summary>One try for the turn, given <see cref="LockOpenTimeout"/> to open the lock file; a try still blocked is waited on again next time.</summary>
    private async Task<TakeResult> TryTakeAsync(CancellationToken stoppingToken)
    {
        var path = outbox.FilePath;
        _pendingTake ??= Task.Run(() => OutboxDeliveryTurn.TryTake(path), CancellationToken.None);
        try
        {
            var result = await _pendingTake.WaitAsync(LockOpenTimeout, time, stoppingToken);
            _pendingTake = null;
            return result;
        }
        catch (TimeoutException)
        {
            return new(null, $"opening it has not finished in {LockOpenTimeout.TotalSeconds:0} s: is it a named pipe, or on a share that does not answer?", false);
        }
    }

    /// <summary>
    /// The lock file was deleted, moved or replaced while this process held the turn (taken for a leftover): a process
    /// starting now would take a turn of its own. Take it again at once; if another process was quicker, it delivers
    /// now, and this one waits. <c>Waited</c> is true when the turn came back only after waiting.
    /// </summary>
    private async Task<(OutboxDeliveryTurn? Turn, bool Waited)> RetakeTurnAsync(OutboxDeliveryTurn lost, CancellationToken stoppingToken)
    {
        lost.Dispose();
        state.Delivering = false;
        var (again, _, heldElsewhere) = await TryTakeAsync(stoppingToken);
        if (again is not null)
        {
            logger.LogWarning("The outbox's delivery lock {Path} was deleted or moved while this process held it, and is made again: leave it in place while a site runs", again.Path);
            state.Delivering = true;
            return (again, false);
        }

        if (heldElsewhere)
        {
            logger.LogError(
                "The outbox's delivery lock {Path} was deleted or moved while this process held it, and another process has taken it: an inquiry being sent then may reach intake twice",
                lost.Path);
        }

        // Otherwise the lock file cannot be opened now, which the wait reports.
        return (await WaitForTurnAsync(stoppingToken), true);
    }

    /// <summary>The delay before retry number <paramref name="attempt"/>+1: doubling from the base, capped, with ±25% jitter.</summary>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponential = baseDelay.TotalSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var capped = Math.Min(exponential, maxDelay.TotalSeconds);

        // Jitter spreads retries out, so a mail server coming back is not hit by every waiting inquiry at once.
        var jittered = capped * (0.75 + (0.5 * random));
        return TimeSpan.FromSeconds(Math.Min(jittered, maxDelay.TotalSeconds));
    }

    /// <summary>Claims and sends one batch, and returns how many were delivered; null when nothing was due.</summary>
    private async Task<int?> DeliverBatchAsync(OutboxOptions options, CancellationToken stoppingToken)
    {
        var batch = await outbox.ClaimDueAsync(BatchSize, stoppingToken);
        if (batch.Count == 0)
        {
            return null;
        }

        var remaining = new Queue<OutboxEntry>(batch);
        var delivered = 0;
        try
        {
            IMailSession session;
            try
            {
                session = await sender.OpenAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The server is unreachable: every inquiry in the batch fails the same way.
                while (remaining.TryDequeue(out var entry))
                {
                    await FailAsync(entry, MailFailure.Describe(ex), options);
                }

                return 0;
            }

            await using (session)
            {
                while (remaining.TryPeek(out var entry))
                {
                    if (await SendAsync(session, entry, options, stoppingToken))
                    {
                        delivered++;
                    }

                    remaining.Dequeue();
                }
            }
        }
        finally
        {
            // Stopping mid-batch: what was claimed but not tried goes back, due at the next start. Not one the server
            // took: it waits, as sent, for its delivery to be recorded.
            foreach (var entry in remaining.Where(e => !_sentNotRecorded.Contains(e.Id)))
            {
                await outbox.ReleaseAsync(entry.Id, CancellationToken.None);
            }
        }

        return delivered;
    }

    /// <summary>Records the deliveries the outbox could not record at the time; throws, as any outbox failure does, while it still cannot.</summary>
    private async Task RecordSentAsync()
    {
        foreach (var id in _sentNotRecorded.ToList())
        {
            await outbox.MarkDeliveredAsync(id, CancellationToken.None);
            _sentNotRecorded.Remove(id);
            logger.LogInformation("Inquiry {InquiryId}: its delivery is now recorded in the outbox", id);
        }
    }

    /// <summary>Sends one inquiry and records the outcome; true when it was delivered.</summary>
    private async Task<bool> SendAsync(IMailSession session, OutboxEntry entry, OutboxOptions options, CancellationToken stoppingToken)
    {
        if (_sentNotRecorded.Contains(entry.Id))
        {
            await RecordSentAsync();
            return true;
        }

        Inquiry inquiry;
        try
        {
            inquiry = outbox.Open(entry);
        }
        catch (CryptographicException)
        {
            // Retrying cannot help: the key ring has lost its key. Keep the data (a restored key ring can still read it).
            await outbox.MarkDeadAsync(entry.Id, nameof(CryptographicException), CancellationToken.None);
            logger.LogError("Inquiry {InquiryId} cannot be decrypted (is DataProtection:KeysPath the same key ring?) and is marked dead", entry.Id);
            return false;
        }

        try
        {
            await session.SendAsync(entry.Id, messages.Build(entry.Id, inquiry, entry.CreatedAt), stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            await FailAsync(entry, MailFailure.Describe(ex), options);
            return false;
        }

        logger.LogInformation("Inquiry {InquiryId} delivered on attempt {Attempt}", entry.Id, entry.Attempts);
        try
        {
            await outbox.MarkDeliveredAsync(entry.Id, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _sentNotRecorded.Add(entry.Id);
            logger.LogError(
                "Inquiry {InquiryId} was delivered, but the outbox could not record it ({ErrorType}); it is recorded once the outbox can be written, and this process does not send it again",
                entry.Id, ex.GetType().Name);
            throw;
        }

        return true;
    }

    private async Task FailAsync(OutboxEntry entry, string error, OutboxOptions options)
    {
        var now = time.GetUtcNow();
        if (now - entry.QueuedAt >= options.DeadAfter)
        {
            await outbox.MarkDeadAsync(entry.Id, error, CancellationToken.None);
            logger.LogError(
                "Inquiry {InquiryId} could not be delivered in {Hours} hours ({ErrorType}) and is now dead; it is kept encrypted. Fix the mail settings, then run: outbox requeue",
                entry.Id, options.DeadAfterHours, error);
            return;
        }

        var delay = Backoff(entry.Attempts, options.RetryBase, options.RetryMax, Random.Shared.NextDouble());
        await outbox.ScheduleRetryAsync(entry.Id, error, now + delay, CancellationToken.None);
        logger.LogWarning("Inquiry {InquiryId} not delivered on attempt {Attempt} ({ErrorType}); next try in {Delay}", entry.Id, entry.Attempts, error, delay);
    }

    /// <summary>True when any data was purged.</summary>
    private async Task<bool> PurgeExpiredAsync(OutboxOptions options, CancellationToken stoppingToken)
    {
        var purged = await outbox.PurgeExpiredAsync(options.Retention, stoppingToken);
        foreach (var id in purged)
        {
            logger.LogError("Inquiry {InquiryId} was never delivered; its data was deleted after {Days} days (Outbox:RetentionDays)", id, options.RetentionDays);
        }

        return purged.Count > 0;
    }

    private void DescribeMailRoute()
    {
        var mail = mailOptions.Value;
        if (mail.UsesSmtp)
        {
            logger.LogInformation("Inquiries are sent by SMTP to {Host}:{Port} ({Security})", mail.Host, mail.EffectivePort, mail.SecurityMode);
        }
        else if (environment.IsProduction())
        {
            logger.LogWarning(
                "Inquiries are written as plain-text .eml files to {PickupDirectory}, not emailed, and stay there until someone deletes them: set Mail:Host, or make sure something reads and clears that folder",
                mail.PickupDirectory);
        }
        else
        {
            logger.LogInformation("Inquiries are written as .eml files to {PickupDirectory}", mail.PickupDirectory);
        }
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;
}
