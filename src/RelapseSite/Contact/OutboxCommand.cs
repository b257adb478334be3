namespace RelapseSite.Contact;

/// <summary>
/// <c>dotnet RelapseSite.dll outbox status</c> lists what the outbox holds (ids, states, error kinds: nothing personal);
/// <c>outbox requeue [ID ...]</c> puts dead inquiries back in the queue once mail is fixed. A running site picks them
/// up within <c>Outbox:PollSeconds</c>.
/// </summary>
public static class OutboxCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        var outbox = services.GetRequiredService<Outbox>();
        switch (args.FirstOrDefault())
        {
            case "requeue":
                var ids = args.Skip(1).ToArray();
                var unknown = ids.Where(id => !InquiryReference.IsValid(id)).ToList();
                if (unknown.Count > 0)
                {
                    await output.WriteLineAsync($"Not an inquiry reference: {string.Join(", ", unknown)} (they look like K7PX-4QMD)");
                    return 2;
                }

                var requeued = await outbox.RequeueDeadAsync(ids);
                await output.WriteLineAsync(requeued.Count == 0
                    ? "No dead inquiries to re-queue."
                    : $"Re-queued {requeued.Count}: {string.Join(", ", requeued)}");
                return 0;

            case "status":
                var status = await outbox.GetStatusAsync();
                await output.WriteLineAsync($"{outbox.FilePath}: {status.Pending} pending, {status.Sending} sending, {status.Delivered} delivered, {status.Dead} dead, {status.Purged} purged");
                if (status.OldestWaitingSince is { } since)
                {
                    await output.WriteLineAsync($"Oldest waiting since {since:u}");
                }

                foreach (var dead in await outbox.ListDeadAsync())
                {
                    await output.WriteLineAsync($"dead {dead.Id}: received {dead.CreatedAt:u}, {dead.Attempts} attempts, last error {dead.LastError ?? "none"}");
                }

                return 0;

            default:
                await output.WriteLineAsync("Usage: outbox status | outbox requeue [ID ...]");
                return 2;
        }
    }
}
