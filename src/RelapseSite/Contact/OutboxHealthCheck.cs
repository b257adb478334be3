using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RelapseSite.Contact;

/// <summary>
/// Readiness of the inquiry path: can the outbox take a new inquiry right now, and is mail getting out? Unhealthy
/// only when the outbox cannot be written (a posted form would fail); Degraded when an inquiry has waited more than
/// 15 minutes or any is dead (mail is broken: someone should look), or when no inquiry can be delivered because the
/// delivery lock cannot be opened. It reads the outbox and never sends mail.
/// </summary>
public sealed class OutboxHealthCheck(Outbox outbox, OutboxDeliveryState delivery, TimeProvider time) : IHealthCheck
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(15);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await outbox.ProbeWriteAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(
                $"The outbox cannot be written ({ex.GetType().Name}): new inquiries would be refused.",
                data: new Dictionary<string, object> { ["writable"] = false });
        }

        var status = await outbox.GetStatusAsync(cancellationToken);
        var oldest = status.OldestWaitingSince is { } since ? time.GetUtcNow() - since : TimeSpan.Zero;
        var data = new Dictionary<string, object>
        {
            ["writable"] = true,
            ["backlog"] = status.Backlog,
            ["oldestPendingSeconds"] = (long)oldest.TotalSeconds,
            ["dead"] = status.Dead,

            // With several processes on one outbox, only one delivers (OutboxDeliveryTurn); this says which.
            ["delivering"] = delivery.Delivering,
        };

        if (delivery.Problem is { } problem)
        {
            return HealthCheckResult.Degraded(problem, data: data);
        }

        if (status.Dead > 0)
        {
            return HealthCheckResult.Degraded($"{status.Dead} inquiries could not be delivered and are dead: fix mail, then run 'outbox requeue'.", data: data);
        }

        if (oldest > StaleAfter)
        {
            return HealthCheckResult.Degraded($"An inquiry has waited {(int)oldest.TotalMinutes} minutes for delivery: is the mail server reachable?", data: data);
        }

        return HealthCheckResult.Healthy($"{status.Backlog} inquiries waiting.", data);
    }
}
