using System.Net;
using MimeKit;

namespace RelapseSite.Tests.Contact;

/// <summary>From the form to a real SMTP server on loopback: headers, body, injection, outages and restarts.</summary>
public sealed class ContactDeliveryTests
{
    [Fact]
    public async Task A_valid_inquiry_reaches_every_intake_address_with_reply_to_subject_and_both_parts()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        using var site = ContactSite.Create(smtp);
        var fields = ContactVisitor.ValidFields();
        fields["message"] = "He said <b>\"help\"</b> & then left.\nSecond line.";

        var reference = await site.Visitor().SendValidAsync(fields);
        var mail = (await smtp.WaitForAsync(1))[0];
        var message = mail.Message;

        Assert.Equal([ContactSite.IntakeA, ContactSite.IntakeB], mail.EnvelopeTo);
        Assert.Equal("web@relapse.example.org", mail.EnvelopeFrom);
        Assert.Equal([ContactSite.IntakeA, ContactSite.IntakeB], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("web@relapse.example.org", Assert.Single(message.From.Mailboxes).Address);
        var replyTo = Assert.Single(message.ReplyTo.Mailboxes);
        Assert.Equal("maria.lopez@example.net", replyTo.Address);
        Assert.Equal("Maria Lopez", replyTo.Name);
        Assert.Equal("New inquiry: Maria Lopez prefers a call (morning)", message.Subject);
        Assert.Equal($"inquiry-{reference}@relapse.example.org", message.MessageId);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);

        var text = message.TextBody;
        foreach (var expected in new[]
        {
            reference, "Maria Lopez", "maria.lopez@example.net", "(954) 555-0123", "a phone call", "Morning",
            "NO: please do not leave a message", "Someone they care about", "Consent to contact:     Yes",
            "He said <b>\"help\"</b> & then left.\nSecond line.",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        var html = message.HtmlBody;
        Assert.Contains("He said &lt;b&gt;&quot;help&quot;&lt;/b&gt; &amp; then left.<br>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("<td>(954) 555-0123</td>", html, StringComparison.Ordinal);
        Assert.Contains($"<td>{reference}</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_intake_address_the_server_refuses_does_not_stop_the_inquiry_reaching_the_others()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        smtp.Refuse(ContactSite.IntakeB);
        using var site = ContactSite.Create(smtp);

        var reference = await site.Visitor().SendValidAsync();
        var mail = (await smtp.WaitForAsync(1))[0];
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "delivered");
        var warning = Assert.Single(await site.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.Contains("refused address", StringComparison.Ordinal)));

        Assert.Equal([ContactSite.IntakeA], mail.EnvelopeTo);
        Assert.Equal(Serilog.Events.LogEventLevel.Warning, warning.Level);
        Assert.Equal("2", warning.Properties["Position"].ToString());
        Assert.Equal("550", warning.Properties["StatusCode"].ToString());
        Assert.Equal($"\"{reference}\"", warning.Properties["InquiryId"].ToString());
        Assert.All(site.Logs.Lines, line => Assert.DoesNotContain("nurse@", line, StringComparison.OrdinalIgnoreCase));
        Assert.All(site.Logs.Lines, line => Assert.DoesNotContain("Maria", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_temporary_refusal_of_one_intake_address_is_retried_until_that_address_has_the_inquiry_too()
    {
        // Greylisting or a full mailbox (4xx) is not a deleted mailbox: delivered to the others alone, that mailbox
        // would never see the inquiry, since its data is deleted once delivered.
        await using var smtp = await SmtpTestServer.StartNewAsync();
        smtp.Refuse(ContactSite.IntakeB, 451);
        using var site = ContactSite.Create(smtp);

        var reference = await site.Visitor().SendValidAsync();
        var warning = (await site.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.Contains("refused address", StringComparison.Ordinal)))[0];
        var waiting = OutboxFile.Rows(site.OutboxPath()).Single(r => r.Id == reference);
        smtp.Accept(ContactSite.IntakeB);
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "delivered");

        Assert.NotEqual("delivered", waiting.State);
        Assert.Equal("451", warning.Properties["StatusCode"].ToString());
        Assert.Contains("temporary", warning.RenderMessage(), StringComparison.Ordinal);
        // The refused try was given up before its DATA, so no address got the inquiry twice: one mail, to both.
        var mail = Assert.Single(smtp.Received);
        Assert.Equal([ContactSite.IntakeA, ContactSite.IntakeB], mail.EnvelopeTo);
    }

    [Fact]
    public async Task When_the_server_refuses_every_intake_address_the_inquiry_fails_and_waits_for_a_retry()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        smtp.Refuse(ContactSite.IntakeA);
        smtp.Refuse(ContactSite.IntakeB);
        using var site = ContactSite.Create(smtp);

        var reference = await site.Visitor().SendValidAsync();
        var row = await Eventually.Get(
            () => Task.FromResult(OutboxFile.Rows(site.OutboxPath()).SingleOrDefault()),
            r => r?.Attempts >= 2 && r.State == "pending" && r.LastError is not null);
        var warnings = await site.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.Contains("refused address", StringComparison.Ordinal));

        Assert.Equal(reference, row?.Id);
        Assert.Equal("SmtpCommandException 550 RecipientNotAccepted", row?.LastError);
        Assert.Empty(smtp.Received);

        // Each refused address is named by its position, not only the first one the server turned down.
        Assert.Equal(["1", "2"], warnings.Select(w => w.Properties["Position"].ToString()).Distinct().Order());
    }

    [Fact]
    public async Task Nothing_is_ever_sent_to_the_address_the_visitor_typed()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        using var site = ContactSite.Create(smtp);

        await site.Visitor().SendValidAsync();
        await smtp.WaitForAsync(1);
        await Task.Delay(500);

        Assert.All(smtp.Received, mail => Assert.DoesNotContain("maria.lopez@example.net", mail.EnvelopeTo));
        Assert.Single(smtp.Received);
    }

    [Fact]
    public async Task Without_an_email_there_is_no_reply_to_and_the_subject_follows_the_choice()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        using var site = ContactSite.Create(smtp);
        var fields = ContactVisitor.ValidFields();
        fields["email"] = "";
        fields["preferred"] = "Text";
        fields["bestTime"] = "";

        await site.Visitor().SendValidAsync(fields);
        var message = (await smtp.WaitForAsync(1))[0].Message;

        Assert.Empty(message.ReplyTo);
        Assert.Equal("New inquiry: Maria Lopez prefers a text", message.Subject);
        Assert.Contains("Email:                  not given", message.TextBody, StringComparison.Ordinal);
    }

    public static TheoryData<string> EveryField() => new(ContactVisitor.ValidFields().Keys);

    [Theory]
    [MemberData(nameof(EveryField))]
    public async Task A_line_break_in_any_field_never_adds_a_header_or_a_recipient(string field)
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        using var site = ContactSite.Create(smtp);
        var fields = ContactVisitor.ValidFields();
        fields[field] += "\r\nBcc: attacker@evil.example\r\nX-Injected: yes\n\rCc: other@evil.example";

        var response = await site.Visitor().SendAsync(fields);

        if (field is "name" or "message")
        {
            // Free text is kept, with the line breaks neutralised where it reaches a header.
            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            var mail = (await smtp.WaitForAsync(1))[0];
            var headerBlock = mail.Raw[..mail.Raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
            Assert.Equal([ContactSite.IntakeA, ContactSite.IntakeB], mail.EnvelopeTo);
            Assert.Empty(mail.Message.Cc);
            Assert.Empty(mail.Message.Bcc);
            Assert.DoesNotContain(mail.Message.Headers, h => h.Field is "Bcc" or "Cc" or "X-Injected");
            Assert.DoesNotMatch("(?m)^(Bcc|Cc|X-Injected):", headerBlock);
            Assert.DoesNotContain('\n', mail.Message.Subject ?? "");
            Assert.DoesNotContain('\r', mail.Message.Subject ?? "");
        }
        else
        {
            // Everything else has a fixed shape, and a line break breaks it: the form is shown again, nothing is sent.
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            await Task.Delay(300);
            Assert.Empty(smtp.Received);
            Assert.Empty(OutboxFile.Rows(site.OutboxPath()));
        }
    }

    [Fact]
    public async Task The_visitor_never_waits_for_the_mail_server()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        smtp.Hold();
        using var site = ContactSite.Create(smtp);
        var visitor = site.Visitor();

        var first = await visitor.SendAsync();
        await smtp.HeldMessageArrived.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var whileMailIsStuck = await visitor.SendAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, whileMailIsStuck.StatusCode);
        Assert.Empty(smtp.Received);
        smtp.Release();
        await smtp.WaitForAsync(2);
    }

    [Fact]
    public async Task StartTls_never_falls_back_to_plain_text_when_the_server_does_not_offer_it()
    {
        await using var smtp = await SmtpTestServer.StartNewAsync();
        using var site = ContactSite.Create(smtp).Set("Mail:Security", "StartTls");

        var reference = await site.Visitor().SendValidAsync();
        var row = await Eventually.Get(
            () => Task.FromResult(OutboxFile.Rows(site.OutboxPath()).SingleOrDefault()),
            r => r?.Attempts >= 2 && r.State == "pending" && r.LastError is not null);

        Assert.Equal(reference, row?.Id);
        Assert.Equal("pending", row?.State);
        Assert.Equal("NotSupportedException", row?.LastError);
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task Inquiries_accepted_while_the_mail_server_is_down_are_delivered_when_it_comes_back()
    {
        await using var smtp = SmtpTestServer.Reserve();
        using var site = ContactSite.Create(smtp);
        var visitor = site.Visitor();

        var first = await visitor.SendValidAsync();
        var second = await visitor.SendValidAsync();
        var failed = await Eventually.Get(
            () => Task.FromResult(OutboxFile.Rows(site.OutboxPath())),
            rows => rows.Count == 2 && rows.All(r => r.Attempts >= 2 && r.State == "pending"));
        await smtp.StartAsync();
        var received = await smtp.WaitForAsync(2);

        Assert.All(failed, row => Assert.Equal("pending", row.State));
        Assert.All(failed, row => Assert.StartsWith("SocketException", row.LastError, StringComparison.Ordinal));
        Assert.Equal(
            new[] { $"inquiry-{first}@relapse.example.org", $"inquiry-{second}@relapse.example.org" }.Order(),
            received.Select(m => m.Message.MessageId).Order());
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), first, "delivered");
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), second, "delivered");
        Assert.Contains(site.Logs.Lines, line => line.Contains("not delivered on attempt", StringComparison.Ordinal) && line.Contains(first, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pending_inquiries_survive_a_restart_and_are_decrypted_correctly()
    {
        var data = Directory.CreateTempSubdirectory("relapsesite-restart-").FullName;
        try
        {
            await using var smtp = SmtpTestServer.Reserve();
            var fields = ContactVisitor.ValidFields();
            fields["name"] = "Zoë Ångström";
            fields["message"] = "Écrit avant le redémarrage: ça doit arriver intact.";
            string reference;
            using (var before = ContactSite.Create(smtp).UseData(data))
            {
                reference = await before.Visitor().SendValidAsync(fields);
                await Eventually.Get(() => Task.FromResult(OutboxFile.Rows(Path.Combine(data, "outbox.db"))), rows => rows.Any(r => r.Attempts >= 1));
            }

            await smtp.StartAsync();
            using var after = ContactSite.Create(smtp).UseData(data);
            _ = after.Server;
            var message = (await smtp.WaitForAsync(1))[0].Message;

            Assert.Equal($"inquiry-{reference}@relapse.example.org", message.MessageId);
            Assert.Equal("New inquiry: Zoë Ångström prefers a call (morning)", message.Subject);
            Assert.Contains("Écrit avant le redémarrage: ça doit arriver intact.", message.TextBody, StringComparison.Ordinal);
            await OutboxFile.WaitForStateAsync(Path.Combine(data, "outbox.db"), reference, "delivered");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_mail_server_that_accepts_but_never_answers_is_given_up_on_after_the_connect_timeout()
    {
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var site = ContactSite.Create()
            .Set("Mail:Host", "127.0.0.1")
            .Set("Mail:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set("Mail:Security", "None")
            .Set("Mail:ConnectTimeoutSeconds", "1")
            .Set("Mail:TimeoutSeconds", "600");

        var reference = await site.Visitor().SendValidAsync();
        var row = await Eventually.Get(
            () => Task.FromResult(OutboxFile.Rows(site.OutboxPath()).SingleOrDefault()),
            r => r?.LastError is not null,
            TimeSpan.FromSeconds(8));

        Assert.Equal(reference, row?.Id);
        Assert.Equal("TimeoutException", row?.LastError);
    }

    [Fact]
    public async Task Without_a_mail_host_each_inquiry_is_written_as_an_eml_file_in_the_pickup_directory()
    {
        using var site = ContactSite.Create();
        var pickup = Path.Combine(site.DataRoot, "mail");

        var reference = await site.Visitor().SendValidAsync();
        var file = Path.Combine(pickup, reference + ".eml");
        await Eventually.Get(() => Task.FromResult(File.Exists(file)), exists => exists);
        var message = await MimeMessage.LoadAsync(file);

        Assert.Equal("New inquiry: Maria Lopez prefers a call (morning)", message.Subject);
        Assert.Equal([ContactSite.IntakeA, ContactSite.IntakeB], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("maria.lopez@example.net", Assert.Single(message.ReplyTo.Mailboxes).Address);
        Assert.Equal($"inquiry-{reference}@relapse.example.org", message.MessageId);
        Assert.Equal([reference + ".eml"], Directory.EnumerateFiles(pickup).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "delivered");
    }

    [Fact]
    public async Task An_inquiry_the_server_took_is_not_sent_again_when_the_outbox_could_not_record_its_delivery()
    {
        // A disk that fills during the SMTP exchange: the server has the message, and the outbox cannot write
        // "delivered". A trigger plays the full disk, failing exactly that write until it is dropped.
        await using var smtp = await SmtpTestServer.StartNewAsync();
        using var site = ContactSite.Create(smtp);
        var visitor = site.Visitor();
        // Readiness writes to the outbox, so its tables exist before the trigger is added.
        await site.CreateVisitor().GetAsync("/healthz/ready");
        await using var outbox = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={site.OutboxPath()}");
        await outbox.OpenAsync();
        await Execute(outbox, """
            CREATE TRIGGER disk_full BEFORE UPDATE OF state ON inquiry WHEN NEW.state = 'delivered'
            BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END
            """);

        var reference = await visitor.SendValidAsync();
        await smtp.WaitForAsync(1);
        var error = Assert.Single(await site.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.Contains("could not record it", StringComparison.Ordinal)));
        // Room on the disk again, after several retry periods (0.2 s here) in which nothing may be sent.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await Execute(outbox, "DROP TRIGGER disk_full");
        var delivered = await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "delivered");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal($"\"{reference}\"", error.Properties["InquiryId"].ToString());
        Assert.Single(smtp.Received);
        Assert.Equal(1, delivered.Attempts);
    }

    [Fact]
    public async Task Such_an_inquiry_is_recorded_when_the_site_stops_so_a_restart_does_not_send_it_again()
    {
        // The operator frees the disk and restarts the site before the next retry (30 s here) would have recorded it.
        var data = Directory.CreateTempSubdirectory("relapsesite-record-").FullName;
        try
        {
            await using var smtp = await SmtpTestServer.StartNewAsync();
            string reference;
            using (var before = ContactSite.Create(smtp).UseData(data).Set("Outbox:RetryBaseSeconds", "30").Set("Outbox:RetryMaxSeconds", "60"))
            {
                var visitor = before.Visitor();
                await before.CreateVisitor().GetAsync("/healthz/ready");
                await using (var outbox = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data, "outbox.db")};Pooling=False"))
                {
                    await outbox.OpenAsync();
                    await Execute(outbox, """
                        CREATE TRIGGER disk_full BEFORE UPDATE OF state ON inquiry WHEN NEW.state = 'delivered'
                        BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END
                        """);
                    reference = await visitor.SendValidAsync();
                    await before.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.Contains("could not record it", StringComparison.Ordinal));
                    await Execute(outbox, "DROP TRIGGER disk_full");
                }
            }

            var stopped = OutboxFile.Rows(Path.Combine(data, "outbox.db")).Single(r => r.Id == reference);
            using var after = ContactSite.Create(smtp).UseData(data);
            _ = await after.CreateVisitor().GetAsync("/healthz/ready");
            await Task.Delay(TimeSpan.FromSeconds(1.5));

            Assert.Equal("delivered", stopped.State);
            Assert.Null(stopped.Payload);
            Assert.Single(smtp.Received);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task Execute(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task An_eml_file_is_prepared_for_transport_seven_bit_with_short_lines_and_reads_back_intact()
    {
        using var site = ContactSite.Create();
        var fields = ContactVisitor.ValidFields();
        fields["name"] = "José Peña";
        var message = string.Join(' ', Enumerable.Repeat("El señor dijo «ayúdenme» — ça va?", 50));
        fields["message"] = message;

        var reference = await site.Visitor().SendValidAsync(fields);
        var file = Path.Combine(site.DataRoot, "mail", reference + ".eml");
        await Eventually.Get(() => Task.FromResult(File.Exists(file)), exists => exists);
        var bytes = await File.ReadAllBytesAsync(file);
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        var parsed = await MimeMessage.LoadAsync(file);

        Assert.All(bytes, b => Assert.True(b < 0x80, $"byte 0x{b:X2} is not ASCII"));
        Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 998, $"a line of {line.Length} characters"));
        Assert.Equal("New inquiry: José Peña prefers a call (morning)", parsed.Subject);
        Assert.Contains(message, parsed.TextBody, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(message), parsed.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"<td>{System.Net.WebUtility.HtmlEncode("José Peña")}</td>", parsed.HtmlBody, StringComparison.Ordinal);
    }
}
