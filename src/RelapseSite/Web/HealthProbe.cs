namespace RelapseSite.Web;

/// <summary>
/// <c>dotnet RelapseSite.dll health-probe [url]</c>: asks the running site for its readiness and exits 0 when it
/// answers 2xx, 1 otherwise. It is the container's HEALTHCHECK, because the chiseled image has no shell and no curl.
/// Without a URL it probes <see cref="HealthSetup.ReadinessPath"/> on the address the server itself listens on,
/// read from the same settings (<c>ASPNETCORE_URLS</c>, else <c>ASPNETCORE_HTTP_PORTS</c>, else Kestrel's port 5000).
/// </summary>
public static class HealthProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(IConfiguration configuration, string[] args, TextWriter output)
    {
        if (args.Length > 1 || (args.Length == 1 && !Uri.TryCreate(args[0], UriKind.Absolute, out _)))
        {
            output.WriteLine("usage: health-probe [absolute-url]");
            return 1;
        }

        var target = args.Length == 1 ? new Uri(args[0]) : DefaultTarget(configuration);
        using var client = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(target);
            var body = await response.Content.ReadAsStringAsync();
            output.WriteLine($"{(int)response.StatusCode} {target} {body}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            output.WriteLine($"unreachable {target}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>The first plain-HTTP address the server binds, with a wildcard host ("*", "+", 0.0.0.0, [::]) replaced by loopback.</summary>
    public static Uri DefaultTarget(IConfiguration configuration)
    {
        var urls = (configuration[WebHostDefaults.ServerUrlsKey] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(BindingAddress.Parse)
            .Where(address => !address.IsUnixPipe)
            .ToList();
        var port = (configuration[WebHostDefaults.HttpPortsKey] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault();

        var address = urls.FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttp) ?? urls.FirstOrDefault();
        var builder = address is not null
            ? new UriBuilder(address.Scheme, IsWildcard(address.Host) ? "127.0.0.1" : address.Host, address.Port, address.PathBase + HealthSetup.ReadinessPath)
            : new UriBuilder(Uri.UriSchemeHttp, "127.0.0.1", int.TryParse(port, out var p) ? p : 5000, HealthSetup.ReadinessPath);
        return builder.Uri;
    }

    private static bool IsWildcard(string host) => host is "*" or "+" or "0.0.0.0" or "[::]" or "::";
}
