using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RelapseSite.Contact;
using Serilog.Events;

namespace RelapseSite.Tests.Contact;

/// <summary>Two sites on one outbox file (instances on one host, or a deploy's old and new container): each inquiry reaches intake once.</summary>
public sealed class OutboxDeliveryTurnTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("relapsesite-shared-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task A_second_site_on_the_same_outbox_never_resends_what_the_first_is_sending_and_takes_over_when_it_stops()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        var outbox = Path.Combine(_data, "outbox.db");
        smtp.Hold();
        var first = ContactSite.Create(smtp).UseData(_data);
        var inFlight = await first.Visitor().SendValidAsync(Named("Ana First"));
        await smtp.HeldMessageArrived.Task.WaitAsync(TimeSpan.FromSeconds(20));

        // The second site starts while the first is mid-send. Before the turn existed, its start-up put the first's
        // in-flight inquiry back in the queue and sent it again.
        using var second = ContactSite.Create(smtp).UseData(_data);
        var storedBySecond = await second.Visitor().SendValidAsync(Named("Ben Second"));
        await second.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.StartsWith("Another process delivers the inquiries in this outbox", StringComparison.Ordinal));
        var whileHeld = OutboxFile.Rows(outbox).Single(r => r.Id == inFlight);

        smtp.Release();
        await OutboxFile.WaitForStateAsync(outbox, inFlight, "delivered");
        await OutboxFile.WaitForStateAsync(outbox, storedBySecond, "delivered");

        first.Dispose();
        await second.Logs.WaitForLogAsync(e => e.MessageTemplate.Text == "This process now delivers the inquiries in the outbox");
        var afterHandOver = await second.Visitor().SendValidAsync(Named("Cy Third"));
        await OutboxFile.WaitForStateAsync(outbox, afterHandOver, "delivered");
        var messageIds = smtp.Received.Select(m => m.Message.MessageId).ToList();

        Assert.Equal(("sending", 1), (whileHeld.State, whileHeld.Attempts));
        Assert.Equal(
            new[] { inFlight, storedBySecond, afterHandOver }.Select(id => $"inquiry-{id}@relapse.example.org").Order(),
            messageIds.Order());
        Assert.DoesNotContain(first.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Another process", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lock_file_that_cannot_be_opened_is_an_error_and_a_degraded_readiness_and_delivery_starts_once_it_is_mended()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        var outbox = Path.Combine(_data, "outbox.db");
        var lockPath = OutboxDeliveryTurn.LockPath(outbox);

        // A folder where the lock file belongs: it cannot be opened, even by root (CI runs as root).
        Directory.CreateDirectory(lockPath);
        using var site = ContactSite.Create(smtp).UseData(_data);
        var reference = await site.Visitor().SendValidAsync();
        var error = (await site.Logs.WaitForLogAsync(e => e.Level == LogEventLevel.Error && e.MessageTemplate.Text.StartsWith("This process cannot deliver inquiries", StringComparison.Ordinal)))[0];
        var stuck = await ReadinessAsync(site);
        var stored = OutboxFile.Rows(outbox).Single(r => r.Id == reference);

        Directory.Delete(lockPath);
        await OutboxFile.WaitForStateAsync(outbox, reference, "delivered");
        var mended = await ReadinessAsync(site);

        Assert.Contains(lockPath, error.RenderMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(("pending", 0), (stored.State, stored.Attempts));
        Assert.Equal(HealthStatus.Degraded, stuck.Status);
        Assert.StartsWith("This process cannot deliver inquiries", stuck.Description, StringComparison.Ordinal);
        Assert.Equal(false, stuck.Data["delivering"]);
        Assert.Equal(HealthStatus.Healthy, mended.Status);
        Assert.Equal(true, mended.Data["delivering"]);
        Assert.Single(smtp.Received);
    }

    [Fact]
    public async Task Once_the_lock_file_is_mended_and_another_process_has_the_turn_readiness_no_longer_reports_the_problem()
    {
        var outbox = Path.Combine(_data, "outbox.db");
        var lockPath = OutboxDeliveryTurn.LockPath(outbox);
        Directory.CreateDirectory(lockPath);

        // The site tries the lock every 3 s here, so the lock file is mended and taken between two of its tries.
        using var site = ContactSite.Create().UseData(_data).Set("Outbox:PollSeconds", "3");
        _ = site.Server;
        await site.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.StartsWith("This process cannot deliver inquiries", StringComparison.Ordinal));

        Directory.Delete(lockPath);
        using var other = OutboxDeliveryTurn.TryTake(outbox).Turn;
        await site.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.StartsWith("Another process delivers", StringComparison.Ordinal));
        var health = await ReadinessAsync(site);

        Assert.NotNull(other);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(false, health.Data["delivering"]);
    }

    [Fact]
    public async Task A_lock_file_deleted_while_the_site_runs_is_made_again_so_a_site_starting_then_still_waits_its_turn()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        var outbox = Path.Combine(_data, "outbox.db");
        var lockPath = OutboxDeliveryTurn.LockPath(outbox);
        using var first = ContactSite.Create(smtp).UseData(_data);
        _ = first.Server;
        await Eventually.Get(() => Task.FromResult(File.Exists(lockPath)), exists => exists);

        File.Delete(lockPath);
        await first.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.StartsWith("The outbox's delivery lock {Path} was deleted or moved while this process held it, and is made again", StringComparison.Ordinal));
        using var second = ContactSite.Create(smtp).UseData(_data);
        var reference = await second.Visitor().SendValidAsync();
        await second.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.StartsWith("Another process delivers", StringComparison.Ordinal));
        await OutboxFile.WaitForStateAsync(outbox, reference, "delivered");

        Assert.Equal(true, (await ReadinessAsync(first)).Data["delivering"]);
        Assert.Equal(false, (await ReadinessAsync(second)).Data["delivering"]);
        Assert.Equal([$"inquiry-{reference}@relapse.example.org"], smtp.Received.Select(m => m.Message.MessageId));
    }

    [Fact]
    public async Task A_lock_file_moved_away_and_replaced_while_the_site_runs_is_taken_again_so_only_one_process_delivers()
    {
        var outbox = Path.Combine(_data, "outbox.db");
        var lockPath = OutboxDeliveryTurn.LockPath(outbox);
        using var site = ContactSite.Create().UseData(_data);
        _ = site.Server;
        await Eventually.Get(() => Task.FromResult(File.Exists(lockPath)), exists => exists);

        // Moved, not deleted: the site's lock follows the file to its new name, so a new file at the path is free.
        File.Move(lockPath, lockPath + ".old");
        File.WriteAllBytes(lockPath, []);
        await site.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.StartsWith("The outbox's delivery lock {Path} was deleted or moved while this process held it, and is made again", StringComparison.Ordinal));
        var (other, _, heldElsewhere) = OutboxDeliveryTurn.TryTake(outbox);

        Assert.Null(other);
        Assert.True(heldElsewhere);
        Assert.Equal(true, (await ReadinessAsync(site)).Data["delivering"]);
    }

    [Theory]
    [InlineData("a link to itself")]
    [InlineData("a named pipe")]
    public async Task A_lock_path_that_cannot_be_a_lock_is_said_in_the_log_and_in_readiness_not_taken_for_another_process(string what)
    {
        var outbox = Path.Combine(_data, "outbox.db");
        var lockPath = OutboxDeliveryTurn.LockPath(outbox);
        if (what == "a link to itself")
        {
            File.CreateSymbolicLink(lockPath, lockPath);
        }
        else
        {
            // Opening a named pipe waits for a writer that never comes; the site gives up after 5 s and says why.
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", lockPath);
            await mkfifo.WaitForExitAsync();
        }

        using var site = ContactSite.Create().UseData(_data);
        _ = site.Server;
        var error = (await site.Logs.WaitForLogAsync(
            e => e.Level == LogEventLevel.Error && e.MessageTemplate.Text.StartsWith("This process cannot deliver inquiries", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30)))[0];
        var health = await ReadinessAsync(site);

        Assert.Contains(lockPath, error.RenderMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain(site.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Another process delivers", StringComparison.Ordinal));
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal(false, health.Data["delivering"]);
    }

    [Fact]
    public void The_turn_is_one_at_a_time_and_free_again_once_let_go()
    {
        var outbox = Path.Combine(_data, "outbox.db");

        var held = OutboxDeliveryTurn.TryTake(outbox).Turn;
        var (refused, reason, heldElsewhere) = OutboxDeliveryTurn.TryTake(outbox);
        held!.Dispose();
        var again = OutboxDeliveryTurn.TryTake(outbox).Turn;
        again!.Dispose();

        Assert.Null(refused);
        Assert.True(heldElsewhere);
        Assert.Contains(OutboxDeliveryTurn.LockPath(outbox), reason, StringComparison.Ordinal);
        Assert.NotNull(again);
    }

    private static async Task<HealthReportEntry> ReadinessAsync(SiteFactory site)
    {
        var report = await site.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"));
        return report.Entries["outbox"];
    }

    private static Dictionary<string, string> Named(string name)
    {
        var fields = ContactVisitor.ValidFields();
        fields["name"] = name;
        return fields;
    }
}
