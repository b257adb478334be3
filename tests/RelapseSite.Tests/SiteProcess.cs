using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace RelapseSite.Tests;

/// <summary>
/// The built app run as its own process (<c>dotnet RelapseSite.dll</c>), the way a container runs it, in Production,
/// with its stdout kept line by line. Data goes to a private temp folder unless the settings name one; content is the
/// repository's. For what an in-process host cannot show: the command line, start-up failures, a real kill -9.
/// </summary>
public sealed class SiteProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("relapsesite-process-");

    private SiteProcess(IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The content root of `dotnet App.dll` is the working folder: appsettings.json sits here, as in /app.
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RelapseSite.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_ENVIRONMENT" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Content__Root"] = Path.Combine(TestFolders.RepositoryRoot, "content");
        start.Environment["DataProtection__KeysPath"] = Path.Combine(_data.FullName, "keys");
        start.Environment["Outbox__Path"] = Path.Combine(_data.FullName, "outbox.db");
        start.Environment["Content__LastGoodPath"] = Path.Combine(_data.FullName, "content-last-good");
        start.Environment["Mail__PickupDirectory"] = Path.Combine(_data.FullName, "mail");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                StandardError.Enqueue(e.Data);
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Lines => [.. _lines];

    public ConcurrentQueue<string> StandardError { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static SiteProcess Start(IReadOnlyDictionary<string, string>? environment = null, params string[] args) =>
        new(environment ?? new Dictionary<string, string>(), args);

    /// <summary>Starts the site on a port the OS picks, and waits until it says where it listens.</summary>
    public static async Task<(SiteProcess Process, Uri Address)> StartServingAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" };
        var process = Start(settings);
        var listening = await process.WaitForLineAsync(line => line.Contains("\"Now listening on: {address}\"", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(listening);
        return (process, new Uri(json.RootElement.GetProperty("address").GetString()!));
    }

    /// <summary>Runs a command such as <c>outbox status</c>, or a start that should fail, to the end: its exit code and all it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(environment, args);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        // Without a timeout, WaitForExit also waits for the redirected output to be read to its end.
        process._process.WaitForExit();
        return (exitCode, string.Join('\n', process._lines.Concat(process.StandardError)));
    }

    /// <summary>A TCP port that was free a moment ago, for settings that cannot take port 0.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                // Output events can trail the exit; give them a moment, then look once more.
                await _process.WaitForExitAsync();
                return _lines.FirstOrDefault(match) ?? throw new InvalidOperationException(Describe("the site exited before the line appeared"));
            }

            await Task.Delay(50);
        }

        throw new TimeoutException(Describe("the line did not appear in time"));
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public string Describe(string problem) =>
        $"{problem}.\nstdout:\n{string.Join('\n', _lines)}\nstderr:\n{string.Join('\n', StandardError)}";

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye, as when the machine loses power or the OOM killer strikes.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(5000);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        TestFolders.DeleteQuietly(_data.FullName);
    }
}
