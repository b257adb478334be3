using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace RelapseSite.BrowserTests;

/// <summary>
/// The real site on real Kestrel (loopback, a free port), in the Production environment, with its data in a temp folder:
/// what a visitor's browser meets. Content is the repository's own <c>content/</c>.
/// </summary>
public sealed class BrowserSite : WebApplicationFactory<Program>
{
    /// <summary>The public address the site believes it has: canonical links and the sitemap use it, nothing may fetch it.</summary>
    public const string PublicBaseUrl = "https://relapse.example.org";

    public BrowserSite()
    {
        DataRoot = Directory.CreateTempSubdirectory("relapsesite-browser-").FullName;
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    public string DataRoot { get; }

    public string MailFolder => Path.Combine(DataRoot, "mail");

    /// <summary>An address that throws, as a page with a bug would, so the real 500 page can be checked.</summary>
    public const string FailingPath = ThrowAfterTheSite.Path;

    /// <summary>Starts Kestrel and returns its address, such as http://127.0.0.1:41234.</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Content:Root", Path.Combine(TestFolders.RepositoryRoot, "content"));
        builder.UseSetting("Site:BaseUrl", PublicBaseUrl);
        builder.UseSetting("DataProtection:KeysPath", Path.Combine(DataRoot, "keys"));
        builder.UseSetting("Outbox:Path", Path.Combine(DataRoot, "outbox.db"));
        builder.UseSetting("Content:LastGoodPath", Path.Combine(DataRoot, "content-last-good"));
        builder.UseSetting("Mail:PickupDirectory", MailFolder);

        // A keyboard or a script fills the form in well under the spam guard's usual minimum.
        builder.UseSetting("Contact:MinimumFillSeconds", "0");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ThrowAfterTheSite>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TestFolders.DeleteQuietly(DataRoot);
        }
    }
}

/// <summary>One site and one Chromium for the whole browser suite: starting either is the slow part.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private static readonly XNamespace Sitemaps = "http://www.sitemaps.org/schemas/sitemap/0.9";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public BrowserSite Site { get; } = new();

    /// <summary>Where the site really listens.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The path of every page in /sitemap.xml, in its order.</summary>
    public IReadOnlyList<string> SitemapPaths { get; private set; } = [];

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.SkipReason ?? "Chromium did not start.");

    public async Task InitializeAsync()
    {
        Address = Site.Start();
        using var http = CreateHttpClient();
        var sitemap = XDocument.Parse(await http.GetStringAsync("/sitemap.xml"));
        SitemapPaths = [.. sitemap.Descendants(Sitemaps + "loc").Select(loc => new Uri(loc.Value).AbsolutePath)];

        if (Chromium.SkipReason is not null)
        {
            return;
        }

        if (!Chromium.IsInstalled)
        {
            throw new InvalidOperationException($"CI=true and Chromium is missing at {Chromium.ExecutablePath}: .ci/run must apt-get install chromium.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(Chromium.LaunchOptions);
    }

    public HttpClient CreateHttpClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Address };

    /// <summary>A fresh, private browser context (no shared cookies), sized like a phone by default. Dispose it.</summary>
    public Task<IBrowserContext> NewContextAsync(int width = 375, int height = 667, ColorScheme colorScheme = ColorScheme.Light, bool javaScript = true) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = colorScheme,
            JavaScriptEnabled = javaScript,
            Locale = "en-US",
        });

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Site.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserSuite : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
