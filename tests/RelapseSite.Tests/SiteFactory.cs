using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;

namespace RelapseSite.Tests;

/// <summary>
/// The real site on a private copy of <c>content/</c> and a private App_Data folder, in the Production environment,
/// so tests see what visitors see (friendly errors, JSON logs). Every log event is captured for privacy assertions.
/// </summary>
public class SiteFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);

    public SiteFactory()
    {
        Root = Directory.CreateTempSubdirectory("relapsesite-").FullName;
        ContentRoot = Path.Combine(Root, "content");
        DataRoot = Path.Combine(Root, "App_Data");
        CopyDirectory(Path.Combine(TestFolders.RepositoryRoot, "content"), ContentRoot);
        Directory.CreateDirectory(DataRoot);

        Set("Content:Root", ContentRoot);
        Set("Content:ReloadDelayMilliseconds", "50");
        Set("Site:BaseUrl", "https://relapse.example.org");
        Set("Mail:PickupDirectory", Path.Combine(DataRoot, "mail"));
        Set("Outbox:Path", Path.Combine(DataRoot, "outbox.db"));
        Set("DataProtection:KeysPath", Path.Combine(DataRoot, "keys"));
        Set("Content:LastGoodPath", Path.Combine(DataRoot, "content-last-good"));
    }

    /// <summary>The temporary folder holding this factory's content and data.</summary>
    public string Root { get; }

    public string ContentRoot { get; }

    public string DataRoot { get; }

    public string EnvironmentName { get; set; } = "Production";

    public LogCapture Logs { get; } = new();

    /// <summary>Adds or overrides one setting. Call before the first request or <c>Server</c> access.</summary>
    public SiteFactory Set(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Writes a file into the content copy, creating folders as needed.</summary>
    public string WriteContent(string relativePath, string text)
    {
        var path = Path.Combine(ContentRoot, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public HttpClient CreateVisitor() => CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        BaseAddress = new Uri("https://localhost"),
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TestFolders.DeleteQuietly(Root);
        }
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>Every log event the site writes, rendered, so a test can search them.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    /// <summary>Each event as one string: message, properties and exception, the way a log store would hold it.</summary>
    public IEnumerable<string> Lines => _events.Select(e =>
    {
        using var writer = new StringWriter();
        new Serilog.Formatting.Compact.CompactJsonFormatter().Format(e, writer);
        return writer.ToString();
    });

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>
    /// Waits for matching events. Log lines come a moment after what they report: the dispatcher writes the outbox
    /// first and logs after, and a request's line is written once its response has gone.
    /// </summary>
    public async Task<IReadOnlyList<LogEvent>> WaitForLogAsync(Func<LogEvent, bool> match, TimeSpan? limit = null)
    {
        var found = await Eventually.Get(() => Task.FromResult<IReadOnlyList<LogEvent>>([.. Events.Where(match)]), events => events.Count > 0, limit);
        Assert.NotEmpty(found);
        return found;
    }
}
