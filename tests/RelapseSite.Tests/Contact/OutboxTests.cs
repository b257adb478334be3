using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RelapseSite.Contact;
using Serilog.Events;

namespace RelapseSite.Tests.Contact;

/// <summary>The dispatcher's life cycle: retries, dead inquiries, re-queueing, purging, restarts, and the health check.</summary>
public sealed class OutboxTests
{
    [Fact]
    public async Task An_inquiry_failing_past_DeadAfterHours_is_dead_but_kept_and_requeue_delivers_it_once_mail_works()
    {
        await using var smtp = SmtpTestServer.Reserve();
        using var site = ContactSite.Create(smtp).Set("Outbox:DeadAfterHours", "0.0003");
        var reference = await site.Visitor().SendValidAsync();

        var dead = await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "dead");
        var error = Assert.Single(await site.Logs.WaitForLogAsync(e => e.Level == LogEventLevel.Error && e.MessageTemplate.Text.Contains("is now dead", StringComparison.Ordinal)));
        var health = await CheckHealthAsync(site.Services);
        await smtp.StartAsync();
        using var output = new StringWriter();
        var exit = await OutboxCommand.RunAsync(site.Services, ["requeue"], output);
        var delivered = await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "delivered");

        Assert.NotNull(dead.Payload);
        Assert.StartsWith("SocketException", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(reference, error.Properties["InquiryId"].ToString().Trim('"'));
        Assert.DoesNotContain("Maria", error.RenderMessage(), StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal(1, health.Data["dead"]);
        Assert.Equal(0, exit);
        Assert.Equal($"Re-queued 1: {reference}", output.ToString().Trim());
        Assert.Null(delivered.Payload);
        Assert.Single(await smtp.WaitForAsync(1));
    }

    [Fact]
    public async Task A_dead_inquiry_is_purged_after_the_retention_period()
    {
        await using var smtp = SmtpTestServer.Reserve();
        var clock = new ShiftedTime();
        using var site = ContactSite.Create(smtp).Set("Outbox:DeadAfterHours", "0.0003").Set("Outbox:RetentionDays", "30");
        using var host = site.WithTime(clock);
        var reference = await host.Visitor().SendValidAsync();
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "dead");

        clock.Offset = TimeSpan.FromDays(30.01);
        var purged = await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "purged");

        var logged = await site.Logs.WaitForLogAsync(e => e.Level == LogEventLevel.Error
            && e.MessageTemplate.Text.Contains("never delivered", StringComparison.Ordinal)
            && e.Properties["InquiryId"].ToString().Contains(reference, StringComparison.Ordinal));

        Assert.Null(purged.Payload);
        Assert.Single(logged);
    }

    [Fact]
    public async Task On_start_waiting_inquiries_are_tried_at_once_not_at_their_next_retry_time()
    {
        var data = Directory.CreateTempSubdirectory("relapsesite-resume-").FullName;
        try
        {
            await using var smtp = SmtpTestServer.Reserve();
            string reference;
            using (var before = ContactSite.Create(smtp).UseData(data).Set("Outbox:RetryBaseSeconds", "3600").Set("Outbox:RetryMaxSeconds", "3600"))
            {
                reference = await before.Visitor().SendValidAsync();
                await Eventually.Get(() => Task.FromResult(OutboxFile.Rows(Path.Combine(data, "outbox.db"))), rows => rows.Any(r => r.Attempts == 1 && r.State == "pending"));
            }

            await smtp.StartAsync();
            using var after = ContactSite.Create(smtp).UseData(data).Set("Outbox:RetryBaseSeconds", "3600").Set("Outbox:RetryMaxSeconds", "3600");
            _ = after.Server;

            var row = await OutboxFile.WaitForStateAsync(Path.Combine(data, "outbox.db"), reference, "delivered", TimeSpan.FromSeconds(10));
            Assert.Equal(2, row.Attempts);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task An_inquiry_the_key_ring_cannot_decrypt_is_kept_dead_and_delivered_once_the_keys_are_back()
    {
        var data = Directory.CreateTempSubdirectory("relapsesite-keys-").FullName;
        try
        {
            await using var smtp = SmtpTestServer.Reserve();
            string reference;
            using (var before = ContactSite.Create(smtp).UseData(data))
            {
                reference = await before.Visitor().SendValidAsync();
            }

            await smtp.StartAsync();
            using (var wrongKeys = ContactSite.Create(smtp).UseData(data).Set("DataProtection:KeysPath", Path.Combine(data, "other-keys")))
            {
                _ = wrongKeys.Server;
                var dead = await OutboxFile.WaitForStateAsync(Path.Combine(data, "outbox.db"), reference, "dead");
                Assert.Equal("CryptographicException", dead.LastError);
                Assert.NotNull(dead.Payload);
                await wrongKeys.Logs.WaitForLogAsync(e => e.Level == LogEventLevel.Error && e.MessageTemplate.Text.Contains("cannot be decrypted", StringComparison.Ordinal));
            }

            using var restored = ContactSite.Create(smtp).UseData(data);
            await OutboxCommand.RunAsync(restored.Services, ["requeue", reference], TextWriter.Null);
            await OutboxFile.WaitForStateAsync(Path.Combine(data, "outbox.db"), reference, "delivered");
            Assert.Contains("Maria Lopez", (await smtp.WaitForAsync(1))[0].Message.TextBody, StringComparison.Ordinal);
            Assert.Empty(smtp.Received.Skip(1));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData(1, 0.5, 30)]
    [InlineData(2, 0.5, 60)]
    [InlineData(3, 0.5, 120)]
    [InlineData(6, 0.5, 960)]
    [InlineData(7, 0.5, 1800)]
    [InlineData(200, 0.5, 1800)]
    [InlineData(1, 0.0, 22.5)]
    [InlineData(1, 1.0, 37.5)]
    [InlineData(7, 1.0, 1800)]
    public void Retries_back_off_from_30_seconds_doubling_to_a_30_minute_cap_with_jitter(int attempt, double random, double seconds)
    {
        var defaults = new OutboxOptions();

        var delay = OutboxDispatcher.Backoff(attempt, defaults.RetryBase, defaults.RetryMax, random);

        Assert.Equal(seconds, delay.TotalSeconds, precision: 6);
    }

    [Fact]
    public void The_defaults_are_the_ones_in_the_issue()
    {
        var outbox = new OutboxOptions();
        var contact = new ContactOptions();
        var mail = new MailOptions();

        Assert.Equal((30, 1800, 72, 30), (outbox.RetryBaseSeconds, outbox.RetryMaxSeconds, outbox.DeadAfterHours, outbox.RetentionDays));
        Assert.Equal((3, 5, 60), (contact.MinimumFillSeconds, contact.PermitLimit, contact.WindowSeconds));
        Assert.Equal(MailSecurity.StartTls, mail.SecurityMode);
        Assert.Equal(587, mail.EffectivePort);
    }

    [Fact]
    public async Task The_health_check_is_healthy_with_an_empty_writable_outbox()
    {
        using var site = ContactSite.Create();

        var health = await CheckHealthAsync(site.Services);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(true, health.Data["writable"]);
        Assert.Equal(0, health.Data["backlog"]);
        Assert.Equal(0, health.Data["dead"]);
    }

    [Fact]
    public async Task The_health_check_is_degraded_when_an_inquiry_has_waited_more_than_15_minutes()
    {
        await using var smtp = SmtpTestServer.Reserve();
        var clock = new ShiftedTime();
        using var site = ContactSite.Create(smtp);
        using var host = site.WithTime(clock);
        await host.Visitor().SendValidAsync();

        var fresh = await CheckHealthAsync(host.Services);
        clock.Offset = TimeSpan.FromMinutes(16);
        var stale = await CheckHealthAsync(host.Services);

        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(1, fresh.Data["backlog"]);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.True((long)stale.Data["oldestPendingSeconds"] >= 16 * 60);
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_only_when_the_outbox_cannot_be_written()
    {
        using var site = ContactSite.Create();
        await site.BreakOutboxAsync();

        var health = await CheckHealthAsync(site.Services);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal(false, health.Data["writable"]);
    }

    /// <summary>The "ready" checks, as /healthz/ready runs them.</summary>
    private static async Task<HealthReportEntry> CheckHealthAsync(IServiceProvider services)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"));
        return report.Entries["outbox"];
    }
}

/// <summary>The real clock, moved forward on demand: days of retention pass in a test.</summary>
public sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}

public static class TimeHost
{
    /// <summary>The same site (settings, logs) with its clock replaced.</summary>
    public static WebApplicationFactory<Program> WithTime(this SiteFactory site, TimeProvider clock) =>
        site.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton(clock)));

    public static ContactVisitor Visitor(this WebApplicationFactory<Program> host) =>
        new(host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") }));
}
