using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace RelapseSite.Contact;

/// <summary>Delivers messages: over SMTP when <c>Mail:Host</c> is set, else as <c>.eml</c> files in <c>Mail:PickupDirectory</c>.</summary>
public interface IMailSender
{
    /// <summary>Opens one session (one SMTP connection) for a batch of messages.</summary>
    Task<IMailSession> OpenAsync(CancellationToken cancellationToken);
}

public interface IMailSession : IAsyncDisposable
{
    /// <summary>Delivers one message; <paramref name="id"/> names the inquiry (and the file, in pickup mode).</summary>
    Task SendAsync(string id, MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// What went wrong, in words safe to log and store. Exception messages from a mail server can quote addresses or the
/// subject (which holds the visitor's name), so only the exception's type and its codes are kept.
/// </summary>
public static class MailFailure
{
    public static string Describe(Exception exception) => exception switch
    {
        SmtpCommandException smtp => $"{nameof(SmtpCommandException)} {(int)smtp.StatusCode} {smtp.ErrorCode}",
        SmtpProtocolException => nameof(SmtpProtocolException),
        SocketException socket => $"{nameof(SocketException)} {socket.SocketErrorCode}",
        ServiceNotConnectedException => nameof(ServiceNotConnectedException),
        TimeoutException => nameof(TimeoutException),
        IOException { InnerException: SocketException socket } => $"{nameof(IOException)} {socket.SocketErrorCode}",
        _ => exception.GetType().Name,
    };
}
