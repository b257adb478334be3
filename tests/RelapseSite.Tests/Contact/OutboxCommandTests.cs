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

    [Theory]
    [InlineData("status", "extra")]
    [InlineData("requeue-all")]
    [InlineData]
    public async Task Anything_but_status_or_requeue_with_references_is_a_usage_error(params string[] args)
    {
        using var site = ContactSite.Create();
        using var output = new StringWriter();

        var exit = await OutboxCommand.RunAsync(site.Services, args, output);

        Assert.Equal(2, exit);
        Assert.Equal("Usage: outbox status | outbox requeue [ID ...]", output.ToString().TrimEnd());
    }

    [Fact]
    public async Task Requeue_names_each_reference_that_is_not_a_dead_inquiry_and_fails()
    {
        using var site = ContactSite.Create();
        var delivered = await site.Visitor().SendValidAsync();
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), delivered, "delivered");
        using var output = new StringWriter();

        var exit = await OutboxCommand.RunAsync(site.Services, ["requeue", delivered, "0000-0000"], output);
        var text = output.ToString();

        Assert.Equal(1, exit);
        Assert.Contains($"No dead inquiry with reference {delivered} ('outbox status' lists the dead ones).", text, StringComparison.Ordinal);
        Assert.Contains("No dead inquiry with reference 0000-0000 ('outbox status' lists the dead ones).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Re-queued", text, StringComparison.Ordinal);
        Assert.Equal("delivered", OutboxFile.Rows(site.OutboxPath()).Single().State);
    }

    [Fact]
    public async Task The_command_line_requeues_a_dead_inquiry_by_its_reference_typed_in_lower_case()
    {
        var data = Directory.CreateTempSubdirectory("relapsesite-cli-").FullName;
        try
        {
            await using var smtp = SmtpTestServer.Reserve();
            string reference;
            using (var site = ContactSite.Create(smtp).UseData(data).Set("Outbox:DeadAfterHours", "0.0003"))
            {
                reference = await site.Visitor().SendValidAsync();
                await OutboxFile.WaitForStateAsync(Path.Combine(data, "outbox.db"), reference, "dead");
            }

            var (exit, output) = await SiteProcess.RunAsync(ContactSite.ProcessSettings(data, smtp), "outbox", "requeue", reference.ToLowerInvariant());

            Assert.Equal(0, exit);
            Assert.Contains($"Re-queued 1: {reference}", output, StringComparison.Ordinal);
            Assert.Equal("pending", OutboxFile.Rows(Path.Combine(data, "outbox.db")).Single().State);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("status")]
    [InlineData("requeue")]
    public async Task The_command_line_never_creates_an_outbox_and_says_where_it_looked(string command)
    {
        var data = Directory.CreateTempSubdirectory("relapsesite-cli-").FullName;
        try
        {
            await using var smtp = SmtpTestServer.Reserve();
            var settings = ContactSite.ProcessSettings(data, smtp);
            var wrong = Path.Combine(data, "wrong", "outbox.db");
            settings["Outbox__Path"] = wrong;

            var (exit, output) = await SiteProcess.RunAsync(settings, "outbox", command);

            Assert.Equal(1, exit);
            Assert.Contains($"There is no outbox at '{wrong}'. Set Outbox:Path (environment variable Outbox__Path)", output, StringComparison.Ordinal);
            Assert.DoesNotContain(" dead", output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(data, "wrong")));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
