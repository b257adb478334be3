using Microsoft.Extensions.Options;
using MimeKit;

namespace RelapseSite.Contact;

/// <summary>
/// The embedded default: each message becomes <c>{id}.eml</c> in <c>Mail:PickupDirectory</c>, so <c>dotnet run</c> works
/// end to end with no mail server. The file is written under a temporary name, flushed to disk, then renamed, so a
/// reader never sees half a message; a re-send after a crash overwrites the same file. These files are plain text:
/// the folder is for development, or for a local mail server's pickup, not for keeping.
/// </summary>
public sealed class PickupMailSender(IOptions<MailOptions> options) : IMailSender
{
    public Task<IMailSession> OpenAsync(CancellationToken cancellationToken)
    {
        var directory = options.Value.PickupDirectory;
        Directory.CreateDirectory(directory);
        return Task.FromResult<IMailSession>(new Session(directory));
    }

    private sealed class Session(string directory) : IMailSession
    {
        public async Task SendAsync(string id, MimeMessage message, CancellationToken cancellationToken)
        {
            var final = Path.Combine(directory, id + ".eml");
            var temporary = Path.Combine(directory, "." + id + ".eml.tmp");
            var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            // MailKit prepares a message for the server it talks to; nothing does for a file. Unprepared, the parts are raw
            // UTF-8 with no Content-Transfer-Encoding and the HTML part is one line past SMTP's 998-character limit, which
            // a mail server's pickup may reject or mangle. Seven-bit with 78-character lines suits any reader.
            message.Prepare(EncodingConstraint.SevenBit, 78);

            await using (var stream = new FileStream(temporary, fileOptions))
            {
                await message.WriteToAsync(stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, final, overwrite: true);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
