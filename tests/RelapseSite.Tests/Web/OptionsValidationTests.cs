using System.Text.Json;
using System.Text.RegularExpressions;

namespace RelapseSite.Tests.Web;

/// <summary>
/// A wrong setting stops the app at start, with a message that names the key to fix. Each case runs the real app as
/// a process with the setting in its environment-variable form (<c>Site__PhoneE164</c>), as an operator would give it,
/// and reads the exit code and the JSON log line it leaves on stdout.
/// </summary>
public sealed class OptionsValidationTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("relapsesite-options-");

    [Theory]
    [InlineData("Site:Name", "")]
    [InlineData("Site:PhoneE164", "555-1234")]
    [InlineData("Site:BaseUrl", "example.org")]
    [InlineData("Site:BaseUrl", "ftp://example.org")]
    [InlineData("Site:BaseUrl", " https://example.org ")]
    [InlineData("Site:BaseUrl", "https://example.org/a b")]
    [InlineData("Site:BaseUrl", "http:\\\\example.org")]
    [InlineData("Site:BaseUrl", "https://user:secret@example.org")]
    [InlineData("Content:Root", "/no/such/content/folder")]
    [InlineData("Content:ReloadDelayMilliseconds", "-1")]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.1")]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.5, proxy.internal")]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0/33")]
    [InlineData("ForwardedHeaders:KnownNetworks", "172.17.0.5/16")]
    [InlineData("DataProtection:CertificatePath", "no-such-certificate.pfx")]
    [InlineData("Outbox:PollSeconds", "NaN")]
    [InlineData("Outbox:DeadAfterHours", "1e400")]
    [InlineData("Serilog:MinimumLevel:Default", "Nonsense")]
    [InlineData("Serilog:MinimumLevel:Override:Microsoft.AspNetCore", "Loud")]
    [InlineData("Serilog:WriteTo:0:Name", "File")]
    [InlineData("ReloadStaticAssetsAtRuntime", "maybe")]
    [InlineData("ReloadStaticAssetsAtRuntime", "")]
    public async Task A_bad_value_stops_the_app_naming_the_key(string key, string value)
    {
        var (exitCode, error, _) = await Start(new() { [key.Replace(":", "__", StringComparison.Ordinal)] = value });

        Assert.Equal(1, exitCode);
        Assert.Contains(key, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_container_images_settings_refuse_to_start_until_the_base_url_and_a_mail_server_are_given()
    {
        // The Dockerfile's own ENV lines, as the image runs them: its empty values undo appsettings.json's local-run
        // defaults, so a container cannot publish localhost links or keep inquiries as files nobody reads.
        // Each run gives all but one of the two, so the refusal must name the one left out.
        var image = DockerfileEnvironment();
        var withUrl = new Dictionary<string, string>(image) { ["Site__BaseUrl"] = "https://help.relapse.example.org" };
        var withMail = new Dictionary<string, string>(image)
        {
            ["Mail__Host"] = "smtp.relapse.example.org",
            ["Mail__From"] = "Website <web@relapse.example.org>",
            ["Mail__To"] = "intake@relapse.example.org",
        };

        var (noMailExit, noMailError, _) = await Start(withUrl);
        var (noUrlExit, noUrlError, _) = await Start(withMail);

        Assert.Equal("", image["Site__BaseUrl"]);
        Assert.Equal("", image["Mail__PickupDirectory"]);
        Assert.Equal((1, 1), (noMailExit, noUrlExit));
        Assert.Contains("Mail:Host", noMailError, StringComparison.Ordinal);
        Assert.Contains("Site:BaseUrl", noUrlError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_where_one_comma_separated_string_is_expected_stops_the_app()
    {
        // In appsettings.json, "KnownProxies": ["10.0.0.5"] would otherwise bind to nothing and trust no proxy.
        var (exitCode, error, _) = await Start(new() { ["ForwardedHeaders__KnownProxies__0"] = "10.0.0.5" });

        Assert.Equal(1, exitCode);
        Assert.Contains("ForwardedHeaders:KnownProxies must be one comma-separated string", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_wrong_settings_are_named_together_in_one_plain_line()
    {
        var (exitCode, error, output) = await Start(new()
        {
            ["Site__PhoneE164"] = "555-1234",
            ["Outbox__PollSeconds"] = "-1",
            ["Mail__To"] = "not-an-address",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains("Site:PhoneE164 must be in E.164 form", error, StringComparison.Ordinal);
        Assert.Contains("Outbox:PollSeconds must be between 0.01 and 3600.", error, StringComparison.Ordinal);
        Assert.Contains("Mail:To must be one or more email addresses", error, StringComparison.Ordinal);
        // No framework wrapping, no stack trace, and not the host's own copy of the same failure.
        Assert.DoesNotContain("DataAnnotation validation failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Outbox:PollSeconds", "abc", "Outbox:PollSeconds: 'abc' is not a number.")]
    [InlineData("Mail:Port", "smtp", "Mail:Port: 'smtp' is not a whole number.")]
    [InlineData("Contact:PermitLimit", "5.5", "Contact:PermitLimit: '5.5' is not a whole number.")]
    public async Task A_value_of_the_wrong_kind_is_named_with_the_kind_expected(string key, string value, string expected)
    {
        var (exitCode, error, output) = await Start(new() { [key.Replace(":", "__", StringComparison.Ordinal)] = value });

        Assert.Equal(1, exitCode);
        Assert.Equal(expected, error);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_that_is_not_a_setting_keeps_its_stack_trace_and_is_logged_once()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, error, output) = await Start(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });

        Assert.Equal(1, exitCode);
        Assert.Contains("address already in use", error, StringComparison.Ordinal);
        Assert.Contains("   at ", error, StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), line => line.Contains("already in use", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("guide")]
    public async Task Copies_of_good_pages_kept_in_the_content_folder_stop_the_app_naming_the_key(string inside)
    {
        // They are pruned by name at every start: there, staff's drafts would go with them.
        var content = Path.Combine(TestFolders.RepositoryRoot, "content");

        var (exitCode, error, _) = await Start(new() { ["Content__LastGoodPath"] = Path.Combine(content, inside) });

        Assert.Equal(1, exitCode);
        Assert.Contains("Content:LastGoodPath:", error, StringComparison.Ordinal);
        Assert.Contains("overlaps the content folder", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_folder_that_cannot_be_created_stops_the_app_naming_the_key()
    {
        // A file where the folder should be: permissions would not stop root, which runs CI.
        var blocker = Path.Combine(_temp.FullName, "not-a-folder");
        File.WriteAllText(blocker, "");

        var (exitCode, error, _) = await Start(new() { ["DataProtection__KeysPath"] = Path.Combine(blocker, "keys") });

        Assert.Equal(1, exitCode);
        Assert.Contains("DataProtection:KeysPath", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_with_the_wrong_password_stops_the_app_naming_the_key_and_never_the_password()
    {
        var pfx = TestCertificates.WritePfx(Path.Combine(_temp.FullName, "ring.pfx"), "right-password");

        var (exitCode, error, output) = await Start(new()
        {
            ["DataProtection__CertificatePath"] = pfx,
            ["DataProtection__CertificatePassword"] = "wrong-password",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains("DataProtection:CertificatePath", error, StringComparison.Ordinal);
        Assert.Contains("DataProtection__CertificatePassword", error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_without_an_RSA_key_stops_the_app_naming_the_key()
    {
        var pfx = TestCertificates.WritePfx(Path.Combine(_temp.FullName, "ring.pfx"), "pw", rsa: false);

        var (exitCode, error, _) = await Start(new() { ["DataProtection__CertificatePath"] = pfx, ["DataProtection__CertificatePassword"] = "pw" });

        Assert.Equal(1, exitCode);
        Assert.Contains("DataProtection:CertificatePath", error, StringComparison.Ordinal);
        Assert.Contains("RSA", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Committed_settings_files_hold_no_secrets()
    {
        var folder = Path.Combine(TestFolders.RepositoryRoot, "src", "RelapseSite");
        var secrets = Directory.GetFiles(folder, "appsettings*.json")
            .SelectMany(file => Leaves(JsonDocument.Parse(File.ReadAllText(file)).RootElement, Path.GetFileName(file)))
            .Where(leaf => SecretWords.Any(word => leaf.Key.Contains(word, StringComparison.OrdinalIgnoreCase)) && leaf.Value.Length > 0)
            .Select(leaf => leaf.Key)
            .ToList();

        Assert.Empty(secrets);
    }

    public void Dispose() => _temp.Delete(recursive: true);

    private static readonly string[] SecretWords = ["password", "secret", "apikey", "api_key", "token", "connectionstring"];

    /// <summary>
    /// Runs the app with the given environment and waits for it to stop. Returns its exit code, what the log line that
    /// says why it stopped gives as the reason (the wrong settings, or else the exception), and all it printed. Fails
    /// at once if the app starts serving instead.
    /// </summary>
    private static async Task<(int ExitCode, string Error, string Output)> Start(Dictionary<string, string> environment)
    {
        environment.TryAdd("ASPNETCORE_URLS", "http://127.0.0.1:0");
        using var site = SiteProcess.Start(environment);
        var last = await site.WaitForLineAsync(line => line.Contains("\"@l\":\"Fatal\"", StringComparison.Ordinal)
            || line.Contains("Now listening on", StringComparison.Ordinal));
        Assert.False(last.Contains("Now listening on", StringComparison.Ordinal), site.Describe("the app started with a bad setting"));

        var exitCode = await site.WaitForExitAsync(TimeSpan.FromSeconds(20));
        using var json = JsonDocument.Parse(last);
        var reason = json.RootElement.TryGetProperty("Problems", out var problems) ? problems : json.RootElement.GetProperty("@x");
        return (exitCode, reason.GetString()!, string.Join('\n', site.Lines) + string.Join('\n', site.StandardError));
    }

    /// <summary>The runtime stage's ENV settings in the Dockerfile, quotes removed.</summary>
    private static Dictionary<string, string> DockerfileEnvironment()
    {
        var dockerfile = File.ReadAllText(Path.Combine(TestFolders.RepositoryRoot, "Dockerfile"));
        var runtime = dockerfile[dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        var block = Regex.Match(runtime, @"\nENV ((?:[^\n]*\\\n)*[^\n]*)").Groups[1].Value;
        return Regex.Matches(block, @"(\w+)=(""[^""]*""|\S*)")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim('"'), StringComparer.Ordinal);
    }

    private static IEnumerable<KeyValuePair<string, string>> Leaves(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Leaves(p.Value, $"{path}:{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Leaves(e, $"{path}:{i}")),
        _ => [new(path, element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText())],
    };
}
