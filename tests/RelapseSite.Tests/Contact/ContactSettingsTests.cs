using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RelapseSite.Contact;
using RelapseSite.Web;

namespace RelapseSite.Tests.Contact;

/// <summary>A bad setting stops the site at start, and the message names the key.</summary>
public sealed class ContactSettingsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("relapsesite-settings-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData("Mail:Port", "70000", "Mail:Port")]
    [InlineData("Mail:Port", "smtp", "Mail:Port")]
    [InlineData("Mail:Security", "Auto", "Mail:Security")]
    [InlineData("Mail:From", "", "Mail:From")]
    [InlineData("Mail:From", "not an address", "Mail:From")]
    [InlineData("Mail:To", "", "Mail:To")]
    [InlineData("Mail:To", "intake@example.org, nonsense", "Mail:To")]
    [InlineData("Mail:UserName", "intake", "Mail:UserName")]
    [InlineData("Mail:ConnectTimeoutSeconds", "0", "Mail:ConnectTimeoutSeconds")]
    [InlineData("Mail:TimeZone", "Mars/Olympus_Mons", "Mail:TimeZone")]
    [InlineData("Contact:MinimumFillSeconds", "-1", "Contact:MinimumFillSeconds")]
    [InlineData("Contact:PermitLimit", "0", "Contact:PermitLimit")]
    [InlineData("Contact:WindowSeconds", "0", "Contact:WindowSeconds")]
    [InlineData("Outbox:RetentionDays", "0", "Outbox:RetentionDays")]
    [InlineData("Outbox:RetryBaseSeconds", "3600", "Outbox:RetryMaxSeconds")]
    [InlineData("Outbox:DeadAfterHours", "2000", "Outbox:DeadAfterHours")]
    public async Task A_bad_setting_stops_the_site_at_start_naming_the_key(string key, string value, string named)
    {
        var failure = await StartFailureAsync(new() { [key] = value });

        Assert.NotNull(failure);
        Assert.True(failure.Contains(named, StringComparison.Ordinal), failure);
    }

    public static TheoryData<string, string> NumbersNoDurationHolds()
    {
        var data = new TheoryData<string, string>();
        foreach (var key in new[] { "Outbox:RetryBaseSeconds", "Outbox:RetryMaxSeconds", "Outbox:DeadAfterHours", "Outbox:PollSeconds" })
        {
            foreach (var value in new[] { "NaN", "Infinity", "-Infinity", "1e400", "1e300" })
            {
                data.Add(key, value);
            }
        }

        data.Add("Outbox:RetentionDays", "2000000000");
        return data;
    }

    [Theory]
    [MemberData(nameof(NumbersNoDurationHolds))]
    public async Task A_number_that_is_not_finite_or_too_large_for_a_duration_is_refused_by_its_key_not_with_a_stack_trace(string key, string value)
    {
        var failure = await StartFailureAsync(new() { [key] = value });

        Assert.NotNull(failure);
        Assert.Contains($"{key} must be between", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("TargetInvocationException", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_site_starts_with_the_shipped_settings_in_production()
    {
        Assert.Null(await StartFailureAsync([]));
    }

    [Fact]
    public async Task A_password_is_refused_over_an_unencrypted_connection_to_another_machine()
    {
        var failure = await StartFailureAsync(new()
        {
            ["Mail:Host"] = "mail.example.org",
            ["Mail:Security"] = "None",
            ["Mail:UserName"] = "intake",
            ["Mail:Password"] = "hunter2-secret",
        });

        Assert.Contains("Mail:Security is None", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shipped_placeholder_addresses_stop_the_site_when_it_sends_by_smtp()
    {
        var failure = await StartFailureAsync(new() { ["Mail:Host"] = "127.0.0.1", ["Mail:Security"] = "None" });

        Assert.Contains("Mail:From: website@pompanobeachrecovery.example is a placeholder (.example addresses never receive mail); set Mail__From to",
            failure, StringComparison.Ordinal);
        Assert.Contains("Mail:To: intake@pompanobeachrecovery.example is a placeholder (.example addresses never receive mail); "
            + "set Mail__To to the intake team's real address.", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("intake@clinic.test", ".test")]
    [InlineData("intake@clinic.invalid", ".invalid")]
    [InlineData("intake@localhost", ".localhost")]
    [InlineData("nurse@relapse.example.org, Intake <intake@clinic.EXAMPLE.>", ".example")]
    public async Task An_intake_address_at_a_reserved_domain_stops_the_site_when_it_sends_by_smtp(string to, string domain)
    {
        var failure = await StartFailureAsync(new()
        {
            ["Mail:Host"] = "127.0.0.1",
            ["Mail:Security"] = "None",
            ["Mail:From"] = ContactSite.From,
            ["Mail:To"] = to,
        });

        Assert.NotNull(failure);
        Assert.Contains($"is a placeholder ({domain} addresses never receive mail); set Mail__To", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("Mail:From", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Real_addresses_under_example_org_are_not_placeholders()
    {
        // .org is a real top-level domain: only the last label decides, so the tests' own addresses still start.
        Assert.Null(await StartFailureAsync(new()
        {
            ["Mail:Host"] = "127.0.0.1",
            ["Mail:Security"] = "None",
            ["Mail:From"] = ContactSite.From,
            ["Mail:To"] = $"{ContactSite.IntakeA},{ContactSite.IntakeB}",
        }));
    }

    [Theory]
    [InlineData("smtp.example.org:587")]
    [InlineData("smtp://mail.example.org")]
    [InlineData("bad host")]
    [InlineData(" smtp.example.org")]
    public async Task A_mail_host_that_is_not_a_bare_host_name_stops_the_site_with_a_hint_about_the_port(string host)
    {
        var failure = await StartFailureAsync(new()
        {
            ["Mail:Host"] = host,
            ["Mail:From"] = ContactSite.From,
            ["Mail:To"] = ContactSite.IntakeA,
        });

        Assert.Contains($"Mail:Host \"{host}\" must be a host name or IP address only", failure, StringComparison.Ordinal);
        Assert.Contains("the port goes in Mail:Port", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smtp.example.org")]
    [InlineData("10.0.0.25")]
    [InlineData("::1")]
    public async Task A_host_name_or_IP_address_is_a_mail_host(string host)
    {
        Assert.Null(await StartFailureAsync(new()
        {
            ["Mail:Host"] = host,
            ["Mail:From"] = ContactSite.From,
            ["Mail:To"] = ContactSite.IntakeA,
        }));
    }

    [Theory]
    [InlineData("a-file")]
    [InlineData("a-file/mail")]
    public async Task A_pickup_directory_that_is_a_file_or_lies_inside_one_stops_the_site_naming_the_key_and_the_path(string pickup)
    {
        await File.WriteAllTextAsync(Path.Combine(_data, "a-file"), "");
        var path = Path.Combine(_data, pickup);

        var failure = await StartFailureAsync(new() { ["Mail:PickupDirectory"] = path });

        Assert.Contains($"Mail:PickupDirectory: .eml files cannot be written to '{path}' ('{Path.Combine(_data, "a-file")}' is a file, not a folder)",
            failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_pickup_directory_is_checked_and_named_where_it_resolves_from_the_app_folder()
    {
        // appsettings.json is a file in the app's folder, so as a pickup directory it cannot work.
        var failure = await StartFailureAsync(new() { ["Mail:PickupDirectory"] = "appsettings.json" });

        var resolved = Path.Combine(TestFolders.RepositoryRoot, "src", "RelapseSite", "appsettings.json");
        Assert.Contains($"Mail:PickupDirectory: .eml files cannot be written to '{resolved}'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pickup_directory_nobody_can_write_stops_the_site_even_for_root()
    {
        // Permissions would not stop root, which runs CI; sysfs refuses new files to everyone.
        Assert.True(OperatingSystem.IsLinux(), "this test needs /sys");

        var failure = await StartFailureAsync(new() { ["Mail:PickupDirectory"] = "/sys/relapsesite-mail" });

        Assert.Contains("Mail:PickupDirectory: .eml files cannot be written to '/sys/relapsesite-mail'", failure, StringComparison.Ordinal);
        Assert.False(Directory.Exists("/sys/relapsesite-mail"));
    }

    [Fact]
    public async Task A_missing_pickup_directory_is_fine_and_is_not_created_until_mail_is_written()
    {
        var path = Path.Combine(_data, "not-yet", "mail");

        Assert.Null(await StartFailureAsync(new() { ["Mail:PickupDirectory"] = path }));
        Assert.False(Directory.Exists(Path.Combine(_data, "not-yet")));
        Assert.Empty(Directory.GetFiles(_data, ".write-test-*"));
    }

    [Fact]
    public async Task The_pickup_directory_is_not_checked_when_mail_goes_by_smtp()
    {
        await File.WriteAllTextAsync(Path.Combine(_data, "a-file"), "");

        Assert.Null(await StartFailureAsync(new()
        {
            ["Mail:Host"] = "127.0.0.1",
            ["Mail:From"] = ContactSite.From,
            ["Mail:To"] = ContactSite.IntakeA,
            ["Mail:PickupDirectory"] = Path.Combine(_data, "a-file"),
        }));
    }

    [Fact]
    public async Task An_outbox_path_that_is_a_folder_stops_the_site_naming_the_key_and_the_path()
    {
        var failure = await StartFailureAsync(new() { ["Outbox:Path"] = _data });

        Assert.Contains($"Outbox:Path: '{_data}' is a folder; set Outbox__Path to the outbox file", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outbox_inside_a_file_stops_the_site_naming_the_key_and_the_path()
    {
        // A file where the folder should be: permissions would not stop root, which runs CI.
        var blocker = Path.Combine(_data, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "");
        var path = Path.Combine(blocker, "outbox.db");

        var failure = await StartFailureAsync(new() { ["Outbox:Path"] = path });

        Assert.Contains($"Outbox:Path: the outbox '{path}' cannot be created or written ('{blocker}' is a file, not a folder)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outbox_in_a_folder_nobody_can_write_stops_the_site_even_for_root()
    {
        // sysfs refuses new files to everyone, root included.
        Assert.True(OperatingSystem.IsLinux(), "this test needs /sys");

        var failure = await StartFailureAsync(new() { ["Outbox:Path"] = "/sys/outbox.db" });

        Assert.Contains("Outbox:Path: the outbox '/sys/outbox.db' cannot be created or written", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relative_outbox_path_is_checked_and_named_where_it_resolves_from_the_app_folder()
    {
        var failure = await StartFailureAsync(new() { ["Outbox:Path"] = "appsettings.json/outbox.db" });

        var resolved = Path.Combine(TestFolders.RepositoryRoot, "src", "RelapseSite", "appsettings.json", "outbox.db");
        Assert.Contains($"Outbox:Path: the outbox '{resolved}' cannot be created or written", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_refuses_to_start_unless_a_mail_host_or_pickup_directory_is_set()
    {
        await using var smtp = SmtpTestServer.Reserve();
        var settings = ContactSite.ProcessSettings(_data, smtp);
        settings["Mail__Host"] = "";
        settings["Mail__PickupDirectory"] = "";

        var (exit, output) = await SiteProcess.RunAsync(settings, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, exit);
        Assert.Contains("The site could not start", output, StringComparison.Ordinal);
        Assert.Contains("Set Mail:Host (an SMTP server) or Mail:PickupDirectory", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_production_mail_falls_back_to_eml_files_in_App_Data()
    {
        await using var app = await StartAsync(new() { ["Mail:Host"] = "", ["Mail:PickupDirectory"] = "" }, "Development");

        var mail = app.Services.GetRequiredService<IOptions<MailOptions>>().Value;

        Assert.False(mail.UsesSmtp);
        Assert.Equal(Path.Combine(app.Environment.ContentRootPath, "App_Data", "mail"), mail.PickupDirectory);
    }

    [Fact]
    public void The_shipped_settings_write_eml_files_to_the_pickup_directory()
    {
        using var site = new SiteFactory();

        var mail = site.Services.GetRequiredService<IOptions<MailOptions>>().Value;

        Assert.False(mail.UsesSmtp);
        Assert.Equal(Path.Combine(site.DataRoot, "mail"), mail.PickupDirectory);
        Assert.Equal(MailSecurity.StartTls, mail.SecurityMode);
    }

    [Fact]
    public void Several_intake_addresses_go_in_one_comma_separated_string()
    {
        using var site = ContactSite.Create().Set("Mail:To", "a@example.org,b@example.org, Intake Desk <c@example.org>");

        var mail = site.Services.GetRequiredService<IOptions<MailOptions>>().Value;

        Assert.Equal(["a@example.org", "b@example.org", "c@example.org"], mail.ToAddresses.Select(m => m.Address));
    }

    /// <summary>
    /// The site's own wiring (AddSite, UseSite, the shipped appsettings.json) on a test server, started as the host
    /// starts it, so a start-up failure arrives here as the exception Program.cs would log.
    /// </summary>
    private async Task<string?> StartFailureAsync(Dictionary<string, string?> settings)
    {
        try
        {
            await using var app = await StartAsync(settings, "Production");
            return null;
        }
        catch (Exception ex)
        {
            return ex.ToString();
        }
    }

    private async Task<WebApplication> StartAsync(Dictionary<string, string?> settings, string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = Path.Combine(TestFolders.RepositoryRoot, "src", "RelapseSite"),
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Content:Root"] = Path.Combine(TestFolders.RepositoryRoot, "content"),
            ["Outbox:Path"] = Path.Combine(_data, "outbox.db"),
            ["DataProtection:KeysPath"] = Path.Combine(_data, "keys"),
            ["Mail:PickupDirectory"] = Path.Combine(_data, "mail"),
            ["Content:LastGoodPath"] = Path.Combine(_data, "content-last-good"),
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseTestServer();
        builder.AddSite();
        var app = builder.Build();
        app.UseSite();
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
