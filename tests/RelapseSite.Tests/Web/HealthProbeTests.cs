using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RelapseSite.Web;

namespace RelapseSite.Tests.Web;

/// <summary><c>health-probe</c>, the container's HEALTHCHECK: exit 0 when the site is ready, 1 when it is not or cannot be reached.</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task The_probe_finds_the_server_from_ASPNETCORE_HTTP_PORTS_and_exits_0_when_ready()
    {
        // As in the container: the image sets ASPNETCORE_HTTP_PORTS, and HEALTHCHECK runs the probe with no arguments.
        var ports = new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = SiteProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        using var server = SiteProcess.Start(ports);
        await server.WaitForLineAsync(l => l.Contains("Now listening on", StringComparison.Ordinal));

        using var probe = SiteProcess.Start(ports, "health-probe");
        var exitCode = await probe.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, probe.Describe($"the probe exited with {exitCode}"));
        Assert.StartsWith($"200 http://127.0.0.1:{ports["ASPNETCORE_HTTP_PORTS"]}/healthz/ready ", Assert.Single(probe.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_probe_exits_1_when_readiness_answers_503()
    {
        using var site = new SiteFactory();
        foreach (var file in new[] { "guide", "pages" }.SelectMany(f => Directory.GetFiles(Path.Combine(site.ContentRoot, f), "*.md")))
        {
            File.WriteAllText(file, "---\ntitle: [unclosed\n---\n");
        }

        site.UseKestrel(0);
        site.StartServer();
        var address = site.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var output = new StringWriter();

        var exitCode = await HealthProbe.RunAsync(new ConfigurationBuilder().Build(), [$"{address}/healthz/ready"], output);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("503 ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_probe_exits_1_when_nothing_listens()
    {
        var output = new StringWriter();

        var exitCode = await HealthProbe.RunAsync(new ConfigurationBuilder().Build(), [$"http://127.0.0.1:{SiteProcess.FreePort()}/healthz/ready"], output);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("unreachable ", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "http://127.0.0.1:5000/healthz/ready")]
    [InlineData(null, "8080", "http://127.0.0.1:8080/healthz/ready")]
    [InlineData(null, "8080;8081", "http://127.0.0.1:8080/healthz/ready")]
    [InlineData("http://+:8081", "8080", "http://127.0.0.1:8081/healthz/ready")]
    [InlineData("http://*:8082", null, "http://127.0.0.1:8082/healthz/ready")]
    [InlineData("http://[::]:8083", null, "http://127.0.0.1:8083/healthz/ready")]
    [InlineData("https://*:8443;http://0.0.0.0:8084", null, "http://127.0.0.1:8084/healthz/ready")]
    [InlineData("http://localhost:5005/site", null, "http://localhost:5005/site/healthz/ready")]
    public void Without_a_url_the_probe_targets_the_address_the_server_binds(string? urls, string? httpPorts, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [WebHostDefaults.ServerUrlsKey] = urls,
            [WebHostDefaults.HttpPortsKey] = httpPorts,
        }).Build();

        Assert.Equal(new Uri(expected), HealthProbe.DefaultTarget(configuration));
    }

    [Fact]
    public async Task A_malformed_url_is_a_usage_error()
    {
        var output = new StringWriter();

        var exitCode = await HealthProbe.RunAsync(new ConfigurationBuilder().Build(), ["not a url"], output);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("usage: ", output.ToString(), StringComparison.Ordinal);
    }
}
