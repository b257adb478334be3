using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace RelapseSite.Contact;

/// <summary>MailKit over SMTP, with the security mode exactly as configured: it never falls back to plain text.</summary>
public sealed class SmtpMailSender(IOptions<MailOptions> options, ILogger<SmtpMailSender> logger) : IMailSender
{
    public async Task<IMailSession> OpenAsync(CancellationToken cancellationToken)
    {
        var mail = options.Value;
        var client = new RecipientTolerantClient { Timeout = (int)TimeSpan.FromSeconds(mail.TimeoutSeconds).TotalMilliseconds };
        try
        {
            // MailKit's Timeout does not cover connecting: a black-holed host would hang the dispatcher without this.
            using (var connectLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectLimit.CancelAfter(TimeSpan.FromSeconds(mail.ConnectTimeoutSeconds));
                try
                {
                    await client.ConnectAsync(mail.Host, mail.EffectivePort, SocketOptions(mail.SecurityMode), connectLimit.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"Connecting to the mail server took longer than {mail.ConnectTimeoutSeconds} s.");
                }
            }

            if (mail.HasCredentials)
            {
                await client.AuthenticateAsync(mail.UserName, mail.Password, cancellationToken);
            }

            return new Session(client, mail.ToAddresses, logger);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static SecureSocketOptions SocketOptions(MailSecurity security) => security switch
    {
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>
    /// MailKit abandons the whole message when the server refuses one RCPT TO, so one deleted intake mailbox would
    /// keep every inquiry from everyone, retried until dead. This client notes a permanent refusal (5xx) and sends to
    /// the rest. A temporary one (4xx: greylisting, a full mailbox) still fails the whole send, so the outbox retries
    /// and that mailbox gets the inquiry too; the others may get it twice, under the same Message-Id.
    /// </summary>
    private sealed class RecipientTolerantClient : SmtpClient
    {
        public List<(MailboxAddress Mailbox, SmtpStatusCode Status)> Refused { get; } = [];

        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            Refused.Add((mailbox, response.StatusCode));
            if ((int)response.StatusCode < 500)
            {
                throw new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, response.StatusCode, mailbox, response.Response);
            }
        }

        // A message nobody accepted must fail, so the outbox keeps it and retries. MailKit 4.18 throws after this hook
        // anyway (554 MessageNotAccepted), but its documentation asks an override of OnRecipientNotAccepted to throw
        // here, and this keeps the server's own refusal code (usually 550) in the outbox's error.
        protected override void OnNoRecipientsAccepted(MimeMessage message)
        {
            var status = Refused.Count > 0 ? Refused[^1].Status : SmtpStatusCode.MailboxUnavailable;
            throw new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, status, "The mail server accepted none of the Mail:To addresses.");
        }
    }

    private sealed class Session(RecipientTolerantClient client, IReadOnlyList<MailboxAddress> to, ILogger logger) : IMailSession
    {
        public async Task SendAsync(string id, MimeMessage message, CancellationToken cancellationToken)
        {
            client.Refused.Clear();
            try
            {
                await client.SendAsync(message, cancellationToken);
            }
            finally
            {
                // The position in Mail:To, not the address: enough to find the dead mailbox, and nothing to leak.
                foreach (var (mailbox, status) in client.Refused)
                {
                    logger.LogWarning(
                        "The mail server refused address {Position} of {Count} in Mail:To ({StatusCode}) for inquiry {InquiryId}; {Advice}",
                        PositionInTo(mailbox), to.Count, (int)status, id,
                        (int)status < 500 ? "a temporary refusal: the inquiry will be sent again" : "fix or remove that address");
                }
            }
        }

        private int PositionInTo(MailboxAddress mailbox)
        {
            for (var i = 0; i < to.Count; i++)
            {
                if (string.Equals(to[i].Address, mailbox.Address, StringComparison.OrdinalIgnoreCase))
                {
                    return i + 1;
                }
            }

            return 0;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    using var quitLimit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await client.DisconnectAsync(quit: true, quitLimit.Token);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The messages are already accepted; a failed QUIT changes nothing.
            }
            finally
            {
                client.Dispose();
            }
        }
    }
}
