using RelapseSite.Contact;

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
    public void The_turn_is_one_at_a_time_and_free_again_once_let_go()
    {
        var outbox = Path.Combine(_data, "outbox.db");

        var (held, _) = OutboxDeliveryTurn.TryTake(outbox);
        var (refused, reason) = OutboxDeliveryTurn.TryTake(outbox);
        held!.Dispose();
        var (again, _) = OutboxDeliveryTurn.TryTake(outbox);
        again!.Dispose();

        Assert.Null(refused);
        Assert.Contains(OutboxDeliveryTurn.LockPath(outbox), reason, StringComparison.Ordinal);
        Assert.NotNull(again);
    }

    private static Dictionary<string, string> Named(string name)
    {
        var fields = ContactVisitor.ValidFields();
        fields["name"] = name;
        return fields;
    }
}
