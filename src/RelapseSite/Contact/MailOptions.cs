using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;
using RelapseSite.Web;

namespace RelapseSite.Contact;

/// <summary>How the SMTP connection is secured. There is deliberately no "Auto": it can fall back to plain text unnoticed.</summary>
public enum MailSecurity
{
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>
/// Where inquiries are sent, bound from the <c>Mail</c> section. With <see cref="Host"/> set, mail goes over SMTP;
/// with it empty, each message is written as an <c>.eml</c> file to <see cref="PickupDirectory"/>.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    public string Host { get; set; } = "";

    /// <summary>Empty means the usual port for <see cref="Security"/>: 25, 587 or 465.</summary>
    public int? Port { get; set; }

    /// <summary><c>None</c>, <c>StartTls</c> (default) or <c>SslOnConnect</c>; kept as text so a bad value can be named clearly.</summary>
    public string Security { get; set; } = nameof(MailSecurity.StartTls);

    public string UserName { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>The sender, for example <c>Website form &lt;web@example.org&gt;</c>. Bounces come back here, never to the visitor.</summary>
    public string From { get; set; } = "";

    /// <summary>One or more intake addresses, comma-separated in one string, so <c>Mail__To=a@x.org,b@x.org</c> works.</summary>
    public string To { get; set; } = "";

    /// <summary>Where <c>.eml</c> files go when <see cref="Host"/> is empty; relative paths are taken from the app's folder.</summary>
    public string PickupDirectory { get; set; } = "";

    /// <summary>MailKit's own timeout does not cover connecting, so the connect step has its own limit.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 15;

    /// <summary>Each SMTP command (MailKit's <c>Timeout</c>).</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>The intake team's time zone, for the "received" time in the message.</summary>
    public string TimeZone { get; set; } = "America/New_York";

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Host);

    public MailSecurity SecurityMode => Enum.Parse<MailSecurity>(Security, ignoreCase: true);

    public int EffectivePort => Port ?? SecurityMode switch
    {
        MailSecurity.None => 25,
        MailSecurity.SslOnConnect => 465,
        _ => 587,
    };

    public bool HasCredentials => !string.IsNullOrEmpty(UserName);

    public MailboxAddress FromAddress => MailboxAddress.Parse(From);

    public IReadOnlyList<MailboxAddress> ToAddresses => [.. InternetAddressList.Parse(To).Mailboxes];

    public TimeZoneInfo TimeZoneInfo => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    // The password never appears in a log or an exception message by accident.
    public override string ToString() => UsesSmtp ? $"SMTP {Host}:{EffectivePort} ({SecurityMode})" : $"pickup directory {PickupDirectory}";
}

/// <summary>Checks the mail settings at start; every failure names its key.</summary>
public sealed class MailOptionsValidator : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        var failures = new List<string>();

        if (!options.UsesSmtp && string.IsNullOrWhiteSpace(options.PickupDirectory))
        {
            failures.Add("Set Mail:Host (an SMTP server) or Mail:PickupDirectory (a folder for .eml files): in Production the site "
                + "will not guess where inquiries should go, because mail that nobody reads is a lost inquiry.");
        }

        // MailKit takes a bare host name and fails every send with a UriFormatException on anything else, long after start.
        if (options.UsesSmtp && Uri.CheckHostName(options.Host) == UriHostNameType.Unknown)
        {
            failures.Add($"Mail:Host \"{options.Host}\" must be a host name or IP address only, such as smtp.example.org: "
                + "the port goes in Mail:Port, and Mail:Security decides how the connection is secured (no smtp:// prefix).");
        }

        // Checked now, not at the first send: a pickup folder that cannot be written fails every inquiry while readiness stays Healthy.
        if (!options.UsesSmtp && !string.IsNullOrWhiteSpace(options.PickupDirectory) && AppPaths.CannotWriteIn(options.PickupDirectory) is { } problem)
        {
            failures.Add($"Mail:PickupDirectory: .eml files cannot be written to '{options.PickupDirectory}' ({problem}); "
                + "set Mail__PickupDirectory to a folder the site can write, or Mail__Host to send by SMTP.");
        }

        var securityKnown = Enum.GetNames<MailSecurity>().Contains(options.Security, StringComparer.OrdinalIgnoreCase);
        if (!securityKnown)
        {
            failures.Add($"Mail:Security must be None, StartTls or SslOnConnect (\"Auto\" is not offered: it can fall back to plain text).");
        }

        if (options.Port is { } port && port is < 1 or > 65535)
        {
            failures.Add("Mail:Port must be between 1 and 65535.");
        }

        if (string.IsNullOrWhiteSpace(options.From) || !MailboxAddress.TryParse(options.From, out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
        {
            failures.Add("Mail:From must be one email address, such as \"Website <web@example.org>\".");
        }
        else if (options.UsesSmtp && Placeholder("Mail:From", from.Address, "a real address of yours (bounces come back to it)") is { } placeholder)
        {
            failures.Add(placeholder);
        }

        if (string.IsNullOrWhiteSpace(options.To)
            || !InternetAddressList.TryParse(options.To, out var to)
            || to.Count == 0
            || to.Count != to.Mailboxes.Count()
            || to.Mailboxes.Any(m => !m.Address.Contains('@', StringComparison.Ordinal)))
        {
            failures.Add("Mail:To must be one or more email addresses, separated by commas.");
        }
        else if (options.UsesSmtp)
        {
            failures.AddRange(to.Mailboxes.Select(m => Placeholder("Mail:To", m.Address, "the intake team's real address")).OfType<string>());
        }

        if (string.IsNullOrEmpty(options.UserName) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Mail:UserName and Mail:Password must be set together.");
        }
        else if (options.HasCredentials && securityKnown && options.SecurityMode == MailSecurity.None && !IsLoopback(options.Host))
        {
            failures.Add("Mail:Security is None, so Mail:Password would cross the network in plain text; use StartTls or SslOnConnect.");
        }

        if (options.ConnectTimeoutSeconds is < 1 or > 300)
        {
            failures.Add("Mail:ConnectTimeoutSeconds must be between 1 and 300.");
        }

        if (options.TimeoutSeconds is < 1 or > 600)
        {
            failures.Add("Mail:TimeoutSeconds must be between 1 and 600.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            failures.Add($"Mail:TimeZone \"{options.TimeZone}\" is not a time zone this machine knows, such as America/New_York.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Top-level domains reserved by RFC 2606 and RFC 6761: no address under them can ever receive mail. The shipped
    /// appsettings.json uses .example addresses, which are fine for .eml files; over SMTP the server would take the
    /// message, the outbox would mark it delivered and delete it, and the inquiry would be lost.
    /// </summary>
    private static readonly string[] ReservedTopLevelDomains = ["example", "invalid", "test", "localhost"];

    private static string? Placeholder(string key, string address, string wanted)
    {
        var domain = address[(address.LastIndexOf('@') + 1)..].TrimEnd('.');
        var topLevel = domain[(domain.LastIndexOf('.') + 1)..];
        return ReservedTopLevelDomains.Contains(topLevel, StringComparer.OrdinalIgnoreCase)
            ? $"{key}: {address} is a placeholder (.{topLevel.ToLowerInvariant()} addresses never receive mail); set {key.Replace(":", "__", StringComparison.Ordinal)} to {wanted}."
            : null;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
