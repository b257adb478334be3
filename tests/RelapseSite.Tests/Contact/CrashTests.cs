namespace RelapseSite.Tests.Contact;

/// <summary>The promise at the heart of the outbox: once the visitor has the 303, a kill -9 at any moment loses nothing.</summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("relapsesite-crash-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task A_kill_9_mid_send_and_right_after_a_303_loses_nothing_and_the_resend_keeps_its_message_id()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        smtp.Hold();
        var outbox = Path.Combine(_data, "outbox.db");
        string midSend, justAccepted;
        var (app, address) = await SiteProcess.StartServingAsync(ContactSite.ProcessSettings(_data, smtp));
        using (app)
        using (var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new() }) { BaseAddress = address })
        {
            var visitor = new ContactVisitor(client);
            midSend = await visitor.SendValidAsync();
            await smtp.HeldMessageArrived.Task.WaitAsync(TimeSpan.FromSeconds(20));
            justAccepted = await visitor.SendValidAsync();
            app.Kill();
        }

        var afterKill = OutboxFile.Rows(outbox);
        smtp.Release();
        using var restarted = ContactSite.Create(smtp).UseData(_data);
        _ = restarted.Server;
        await OutboxFile.WaitForStateAsync(outbox, midSend, "delivered");
        await OutboxFile.WaitForStateAsync(outbox, justAccepted, "delivered");
        var received = smtp.Received;

        Assert.Equal("sending", afterKill.Single(r => r.Id == midSend).State);
        Assert.Equal("pending", afterKill.Single(r => r.Id == justAccepted).State);
        Assert.All(afterKill, row => Assert.NotNull(row.Payload));
        Assert.Equal(
            new[] { $"inquiry-{midSend}@relapse.example.org", $"inquiry-{justAccepted}@relapse.example.org" }.Order(),
            received.Select(m => m.Message.MessageId).Distinct().Order());
        Assert.All(received, mail => Assert.Equal("New inquiry: Maria Lopez prefers a call (morning)", mail.Message.Subject));
    }
}
