using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using RelapseSite.Contact;

namespace RelapseSite.Tests.Contact;

/// <summary>Settings and helpers for the inquiry-path tests: fast retries, no fill-time wait, a roomy rate limit.</summary>
public static class ContactSite
{
    public const string From = "Website form <web@relapse.example.org>";
    public const string IntakeA = "intake@relapse.example.org";
    public const string IntakeB = "nurse@relapse.example.org";

    /// <summary>Settings for the site as its own process (<see cref="SiteProcess"/>) on a data folder, sending to the given SMTP server.</summary>
    public static Dictionary<string, string> ProcessSettings(string dataFolder, SmtpTestServer smtp) => new(StringComparer.Ordinal)
    {
        ["Outbox__Path"] = Path.Combine(dataFolder, "outbox.db"),
        ["Content__LastGoodPath"] = Path.Combine(dataFolder, "content-last-good"),
        ["DataProtection__KeysPath"] = Path.Combine(dataFolder, "keys"),
        ["Mail__Host"] = "127.0.0.1",
        ["Mail__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Mail__Security"] = "None",
        ["Mail__From"] = From,
        ["Mail__To"] = $"{IntakeA},{IntakeB}",
        ["Contact__MinimumFillSeconds"] = "0",
        ["Outbox__RetryBaseSeconds"] = "0.2",
        ["Outbox__RetryMaxSeconds"] = "0.5",
    };

    public static SiteFactory Create(SmtpTestServer? smtp = null)
    {
        var site = new SiteFactory()
            .Set("Contact:MinimumFillSeconds", "0")
            .Set("Contact:PermitLimit", "1000")
            .Set("Outbox:RetryBaseSeconds", "0.2")
            .Set("Outbox:RetryMaxSeconds", "0.5")
            .Set("Outbox:PollSeconds", "0.5")
            .Set("Mail:From", From)
            .Set("Mail:To", $"{IntakeA},{IntakeB}");
        return smtp is null ? site : site.UseSmtp(smtp);
    }

    public static SiteFactory UseSmtp(this SiteFactory site, SmtpTestServer smtp) => site
        .Set("Mail:Host", "127.0.0.1")
        .Set("Mail:Port", smtp.Port.ToString(CultureInfo.InvariantCulture))
        .Set("Mail:Security", "None")
        .Set("Mail:ConnectTimeoutSeconds", "5");

    /// <summary>Points the site's outbox and key ring at a folder that outlives it, for restart tests.</summary>
    public static SiteFactory UseData(this SiteFactory site, string folder) => site
        .Set("Outbox:Path", Path.Combine(folder, "outbox.db"))
        .Set("DataProtection:KeysPath", Path.Combine(folder, "keys"));

    public static ContactVisitor Visitor(this SiteFactory site) => new(site.CreateVisitor());

    /// <summary>A visitor arriving from a given address (the test server has none of its own).</summary>
    public static ContactVisitor VisitorFrom(this SiteFactory site, IPAddress address)
    {
        var handler = new CookieContainerHandler { InnerHandler = site.Server.CreateHandler(context => context.Connection.RemoteIpAddress = address) };
        return new ContactVisitor(new HttpClient(handler) { BaseAddress = new Uri("https://localhost") });
    }

    public static string OutboxPath(this SiteFactory site) => Path.Combine(site.DataRoot, "outbox.db");

    /// <summary>
    /// Makes the running site's outbox impossible to open: start-up refuses one that is broken from the start. The
    /// database file becomes a folder, which stops root too (CI runs as root, where taking permissions away would not).
    /// </summary>
    public static async Task BreakOutboxAsync(this SiteFactory site)
    {
        var outbox = site.Services.GetRequiredService<Outbox>();
        await outbox.GetStatusAsync();

        // A pooled connection keeps the deleted file open and would go on writing to it.
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(outbox.FilePath)!, Path.GetFileName(outbox.FilePath) + "*"))
        {
            File.Delete(file);
        }

        Directory.CreateDirectory(outbox.FilePath);
    }
}

/// <summary>A browser with cookies: opens the form, then posts it back with the antiforgery token and fill-time stamp.</summary>
public sealed partial class ContactVisitor(HttpClient client)
{
    public HttpClient Client { get; } = client;

    public static Dictionary<string, string> ValidFields() => new(StringComparer.Ordinal)
    {
        ["name"] = "Maria Lopez",
        ["email"] = "maria.lopez@example.net",
        ["phone"] = "(954) 555-0123",
        ["preferred"] = "Call",
        ["bestTime"] = "Morning",
        ["leaveMessage"] = "no",
        ["who"] = "SomeoneElse",
        ["message"] = "My brother used again last week.\nHe wants to come back to the program.",
        ["consent"] = "yes",
    };

    /// <summary>GET /contact and read the hidden fields a browser would send back.</summary>
    public async Task<(string Html, string Token, string Started)> OpenFormAsync()
    {
        var html = await Client.GetStringAsync("/contact");
        return (html, HiddenValue(html, "__RequestVerificationToken"), HiddenValue(html, "started"));
    }

    /// <summary>Opens the form and returns valid fields with its hidden ones, to change and post as a browser would.</summary>
    public async Task<Dictionary<string, string>> FilledFormAsync()
    {
        var (_, token, started) = await OpenFormAsync();
        var form = ValidFields();
        form["__RequestVerificationToken"] = token;
        form["started"] = started;
        return form;
    }

    /// <summary>Opens the form and sends it with these fields (the hidden ones added unless given).</summary>
    public async Task<HttpResponseMessage> SendAsync(IReadOnlyDictionary<string, string>? fields = null, bool withToken = true)
    {
        var (_, token, started) = await OpenFormAsync();
        var form = new Dictionary<string, string>(fields ?? ValidFields(), StringComparer.Ordinal);
        form.TryAdd("started", started);
        if (withToken)
        {
            form.TryAdd("__RequestVerificationToken", token);
        }

        return await PostAsync(form);
    }

    public Task<HttpResponseMessage> PostAsync(IEnumerable<KeyValuePair<string, string>> form) =>
        Client.PostAsync("/contact", new FormUrlEncodedContent(form));

    /// <summary>Sends a valid form and returns the reference from the 303's Location.</summary>
    public async Task<string> SendValidAsync(IReadOnlyDictionary<string, string>? fields = null)
    {
        var response = await SendAsync(fields);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return ReferenceOf(response);
    }

    public static string ReferenceOf(HttpResponseMessage response)
    {
        var location = response.Headers.Location?.OriginalString ?? "";
        var match = ThanksLocation().Match(location);
        Assert.True(match.Success, $"expected a redirect to /contact/thanks?ref=XXXX-XXXX, got '{location}'");
        return match.Groups[1].Value;
    }

    public static string HiddenValue(string html, string name)
    {
        var match = Regex.Match(html, $"<input[^>]*name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"");
        Assert.True(match.Success, $"no hidden input '{name}' in the form");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex(@"^/contact/thanks\?ref=([0-9A-Z]{4}-[0-9A-Z]{4})$")]
    private static partial Regex ThanksLocation();
}

/// <summary>Reads the outbox file directly, as an operator (or an attacker with the file) would.</summary>
public static class OutboxFile
{
    public sealed record Row(string Id, string State, byte[]? Payload, int Attempts, string? LastError);

    public static IReadOnlyList<Row> Rows(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, state, payload, attempts, last_error FROM inquiry ORDER BY created_at";
        try
        {
            using var reader = command.ExecuteReader();
            var rows = new List<Row>();
            while (reader.Read())
            {
                rows.Add(new Row(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2),
                    reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4)));
            }

            return rows;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
        {
            // "no such table": the outbox has not been created yet.
            return [];
        }
    }

    public static async Task<Row> WaitForStateAsync(string path, string id, string state, TimeSpan? limit = null)
    {
        var row = await Eventually.Get(
            () => Task.FromResult(Rows(path).SingleOrDefault(r => r.Id == id)), r => r?.State == state, limit ?? TimeSpan.FromSeconds(20));
        Assert.Equal(state, row?.State);
        return row!;
    }

    /// <summary>All bytes of the outbox's files (main, WAL, shared memory), as they sit on disk.</summary>
    public static byte[] AllBytes(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        var bytes = new List<byte>();
        foreach (var file in Directory.EnumerateFiles(directory, Path.GetFileName(path) + "*"))
        {
            // The delivery lock is held open, exclusively, by the running site; it is only ever empty.
            if (file == RelapseSite.Contact.OutboxDeliveryTurn.LockPath(path))
            {
                Assert.Equal(0, new FileInfo(file).Length);
                continue;
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            bytes.AddRange(copy.ToArray());
        }

        return [.. bytes];
    }
}
