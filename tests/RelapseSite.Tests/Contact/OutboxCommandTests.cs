using RelapseSite.Contact;

namespace RelapseSite.Tests.Contact;

public sealed class OutboxCommandTests
{
    [Fact]
    public async Task Status_lists_states_and_dead_ids_but_nothing_personal()
    {
        await using var smtp = SmtpTestServer.Reserve();
        using var site = ContactSite.Create(smtp).Set("Outbox:DeadAfterHours", "0.0003");
        var reference = await site.Visitor().SendValidAsync();
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "dead");
        using var output = new StringWriter();

        var exit = await OutboxCommand.RunAsync(site.Services, ["status"], output);
        var text = output.ToString();

        Assert.Equal(0, exit);
        Assert.Contains("0 pending, 0 sending, 0 delivered, 1 dead, 0 purged", text, StringComparison.Ordinal);
        Assert.Contains($"dead {reference}: received ", text, StringComparison.Ordinal);
        Assert.Contains("last error SocketException", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Maria", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requeue_refuses_something_that_is_not_a_reference()
    {
        using var site = ContactSite.Create();
        using var output = new StringWriter();

        var exit = await OutboxCommand.RunAsync(site.Services, ["requeue", "DROP TABLE"], output);

        Assert.Equal(2, exit);
        Assert.Contains("Not an inquiry reference", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_runs_from_the_command_line_against_the_configured_outbox()
    {
        var data = Directory.CreateTempSubdirectory("relapsesite-cli-").FullName;
        try
        {
            await using var smtp = SmtpTestServer.Reserve();
            var settings = ContactSite.ProcessSettings(data, smtp);

            var (exit, output) = await SiteProcess.RunAsync(settings, "outbox", "requeue");

            Assert.Equal(0, exit);
            Assert.Contains("No dead inquiries to re-queue.", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(data, "outbox.db")));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
