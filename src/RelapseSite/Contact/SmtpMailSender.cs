using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace RelapseSite.Contact;

/// <summary>MailKit over SMTP, with the security mode exactly as configured: it never falls back to plain text.</summary>
public sealed class SmtpMailSender(IOptions<MailOptions> options) : IMailSender
{
    public async Task<IMailSession> OpenAsync(CancellationToken cancellationToken)
    {
        var mail = options.Value;
        var client = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(mail.TimeoutSeconds).TotalMilliseconds };
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

            return new Session(client);
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

    private sealed class Session(SmtpClient client) : IMailSession
    {
        public Task SendAsync(string id, MimeMessage message, CancellationToken cancellationToken) =>
            client.SendAsync(message, cancellationToken);

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
