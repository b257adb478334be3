using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RelapseSite.Tests.Contact;

/// <summary>
/// The built site as its own process (<c>dotnet RelapseSite.dll</c>), for what an in-process host cannot show: a real
/// kill -9, and the command line.
/// </summary>
public sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The app's own build output, next to this test assembly's configuration (Debug or Release).</summary>
    public static string AppDll { get; } = Path.Combine(
        TestFolders.RepositoryRoot, "src", "RelapseSite", "bin",
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name,
        "net10.0", "RelapseSite.dll");

    /// <summary>Settings for a site on its own data folder, sending to the given SMTP server.</summary>
    public static Dictionary<string, string> Settings(string dataFolder, SmtpTestServer smtp) => new(StringComparer.Ordinal)
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Content__Root"] = Path.Combine(TestFolders.RepositoryRoot, "content"),
        ["Outbox__Path"] = Path.Combine(dataFolder, "outbox.db"),
        ["DataProtection__KeysPath"] = Path.Combine(dataFolder, "keys"),
        ["Mail__Host"] = "127.0.0.1",
        ["Mail__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Mail__Security"] = "None",
        ["Mail__From"] = ContactSite.From,
        ["Mail__To"] = $"{ContactSite.IntakeA},{ContactSite.IntakeB}",
        ["Contact__MinimumFillSeconds"] = "0",
        ["Outbox__RetryBaseSeconds"] = "0.2",
        ["Outbox__RetryMaxSeconds"] = "0.5",
    };

    /// <summary>Starts the site and waits until it serves the contact form.</summary>
    public static async Task<AppProcess> ServeAsync(IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var app = Start(settings, ["--urls", $"http://127.0.0.1:{port}"], port);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await app.Client.GetAsync("/contact");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return app;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !app._process.HasExited)
            {
            }

            if (DateTime.UtcNow > deadline || app._process.HasExited)
            {
                var output = app.Output;
                app.Dispose();
                throw new InvalidOperationException("The site did not start:\n" + output);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Runs a command such as <c>outbox status</c> to the end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        using var app = Start(settings, args, 0);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app._process.WaitForExitAsync(limit.Token);
        app._process.WaitForExit();
        return (app._process.ExitCode, app.Output);
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye, as when the machine loses power or the OOM killer strikes.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        Client.Dispose();
    }

    private static AppProcess Start(IReadOnlyDictionary<string, string> settings, string[] args, int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(AppDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var app = new AppProcess(process, port);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
