using Microsoft.Extensions.Options;

namespace RelapseSite.Contact;

/// <summary>
/// <c>dotnet RelapseSite.dll outbox status</c> lists what the outbox holds (ids, states, error kinds: nothing personal);
/// <c>outbox requeue [ID ...]</c> puts dead inquiries back in the queue once mail is fixed. A running site picks them
/// up within <c>Outbox:PollSeconds</c>. Exit codes: 0 done, 1 no outbox or an id not re-queued, 2 a usage error.
/// </summary>
public static class OutboxCommand
{
    private const string Usage = "Usage: outbox status | outbox requeue [ID ...]";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        switch (args)
        {
            case ["status"]:
                return await FindOutboxAsync(services, output) is { } outbox ? await StatusAsync(outbox, output) : 1;

            case ["requeue", .. var given]:
                // References are read out on the phone and typed back in any case; they are stored in upper case.
                var ids = given.Select(id => id.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
                var unknown = ids.Where(id => !InquiryReference.IsValid(id)).ToList();
                if (unknown.Count > 0)
                {
                    await output.WriteLineAsync($"Not an inquiry reference: {string.Join(", ", unknown)} (they look like K7PX-4QMD)");
                    return 2;
                }

                return await FindOutboxAsync(services, output) is { } found ? await RequeueAsync(found, ids, output) : 1;

            default:
                await output.WriteLineAsync(Usage);
                return 2;
        }
    }

    /// <summary>
    /// The outbox, only if its file exists. Opening it would create an empty one: run from the wrong folder, or with a
    /// mistyped <c>Outbox:Path</c>, the command would then report "0 dead" about a file nobody uses.
    /// </summary>
    private static async Task<Outbox?> FindOutboxAsync(IServiceProvider services, TextWriter output)
    {
        var path = services.GetRequiredService<IOptions<OutboxOptions>>().Value.Path;
        if (File.Exists(path))
        {
            return services.GetRequiredService<Outbox>();
        }

        await output.WriteLineAsync($"There is no outbox at '{path}'. Set Outbox:Path (environment variable Outbox__Path) to the "
            + "site's outbox file, or run the command from the site's folder: a relative Outbox:Path is taken from there.");
        return null;
    }

    private static async Task<int> StatusAsync(Outbox outbox, TextWriter output)
    {
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
    }

    /// <summary>With no ids, every dead inquiry; with ids, each one named must be re-queued, or the command fails naming it.</summary>
    private static async Task<int> RequeueAsync(Outbox outbox, List<string> ids, TextWriter output)
    {
        var requeued = await outbox.RequeueDeadAsync(ids);
        if (requeued.Count > 0)
        {
            await output.WriteLineAsync($"Re-queued {requeued.Count}: {string.Join(", ", requeued)}");
        }
        else if (ids.Count == 0)
        {
            await output.WriteLineAsync("No dead inquiries to re-queue.");
        }

        var missed = ids.Except(requeued, StringComparer.Ordinal).ToList();
        foreach (var id in missed)
        {
            await output.WriteLineAsync($"No dead inquiry with reference {id} ('outbox status' lists the dead ones).");
        }

        return missed.Count == 0 ? 0 : 1;
    }
}
