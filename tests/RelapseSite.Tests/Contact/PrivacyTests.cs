using System.Net;
using System.Text;

namespace RelapseSite.Tests.Contact;

/// <summary>Nothing personal in logs or URLs; personal data encrypted at rest, and gone once delivered.</summary>
public sealed class PrivacyTests
{
    private static readonly Dictionary<string, string> Sentinels = new(StringComparer.Ordinal)
    {
        ["name"] = "Quentin Zeppelinsky",
        ["email"] = "q.zeppelinsky@example.net",
        ["phone"] = "+1 (954) 555-0177",
        ["message"] = "Sentinel relapse note 7Q4Z: I used on Tuesday. " + new string('é', 1500),
    };

    private static IEnumerable<string> Needles() =>
        [Sentinels["name"], "Zeppelinsky", Sentinels["email"], "zeppelinsky@", Sentinels["phone"], "555-0177", "5550177", "Sentinel relapse note 7Q4Z"];

    private static Dictionary<string, string> Fields()
    {
        var fields = ContactVisitor.ValidFields();
        foreach (var (key, value) in Sentinels)
        {
            fields[key] = value;
        }

        return fields;
    }

    [Fact]
    public async Task No_name_email_phone_or_message_reaches_the_logs_even_at_the_most_detailed_level()
    {
        await using var smtp = SmtpTestServer.Reserve();
        using var site = ContactSite.Create(smtp)
            .Set("Serilog:MinimumLevel:Default", "Verbose")
            .Set("Serilog:MinimumLevel:Override:Microsoft.AspNetCore", "Verbose")
            .Set("Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime", "Verbose");
        var visitor = site.Visitor();
        var invalid = Fields();
        invalid["consent"] = "";
        var trapped = Fields();
        trapped["contact_reference_hp"] = "x";

        var rejected = await visitor.SendAsync(invalid);
        var botAnswer = await visitor.SendAsync(trapped);
        var accepted = await visitor.SendAsync(Fields());
        var reference = ContactVisitor.ReferenceOf(accepted);
        await Eventually.Get(() => Task.FromResult(OutboxFile.Rows(site.OutboxPath())), rows => rows.Any(r => r.Attempts >= 2));
        await smtp.StartAsync();
        await smtp.WaitForAsync(1);
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "delivered");
        await site.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.Contains("delivered on attempt", StringComparison.Ordinal));
        var lines = site.Logs.Lines.ToList();

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, botAnswer.StatusCode);
        Assert.Contains(site.Logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Verbose);
        Assert.Contains(lines, line => line.Contains(reference, StringComparison.Ordinal) && line.Contains("delivered", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("not delivered on attempt", StringComparison.Ordinal));
        foreach (var needle in Needles())
        {
            Assert.DoesNotContain(lines, line => line.Contains(needle, StringComparison.OrdinalIgnoreCase));
        }

        Assert.DoesNotContain("Zeppelinsky", accepted.Headers.Location?.OriginalString ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Personal_data_is_encrypted_in_the_outbox_and_gone_from_its_files_once_delivered()
    {
        await using var smtp = SmtpTestServer.Reserve();
        using var site = ContactSite.Create(smtp);
        var path = site.OutboxPath();

        var reference = await site.Visitor().SendValidAsync(Fields());
        var pending = await Eventually.Get(() => Task.FromResult(OutboxFile.Rows(path).SingleOrDefault()), r => r?.Attempts >= 1);
        var encrypted = pending!.Payload!;
        var whilePending = OutboxFile.AllBytes(path);
        await smtp.StartAsync();
        var delivered = await smtp.WaitForAsync(1);
        var cipherSample = encrypted.AsSpan(encrypted.Length / 2, 32).ToArray();
        var afterDelivery = await Eventually.Get(
            () => Task.FromResult(OutboxFile.AllBytes(path)),
            bytes => !Contains(bytes, cipherSample));
        var row = await OutboxFile.WaitForStateAsync(path, reference, "delivered");

        Assert.Contains("Quentin Zeppelinsky", delivered[0].Message.TextBody, StringComparison.Ordinal);
        Assert.True(encrypted.Length > 4096, "the test message should be large enough to spill into overflow pages");
        Assert.True(Contains(whilePending, cipherSample), "the encrypted payload should be in the outbox file while pending");
        Assert.Null(row.Payload);
        Assert.False(Contains(afterDelivery, cipherSample), "the encrypted payload should be gone from the outbox files once delivered");
        foreach (var needle in Needles())
        {
            Assert.False(Contains(whilePending, Encoding.UTF8.GetBytes(needle)), $"'{needle}' is readable in the outbox file");
            Assert.False(Contains(afterDelivery, Encoding.UTF8.GetBytes(needle)), $"'{needle}' is readable in the outbox file after delivery");
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
