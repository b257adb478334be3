using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RelapseSite.Tests.Contact;
using Serilog.Events;

namespace RelapseSite.Tests.Web;

/// <summary>/healthz and /healthz/ready through HTTP, on the real site and a private copy of the content.</summary>
public sealed class HealthTests : IDisposable
{
    private const string BrokenFrontMatter = "---\ntitle: Broken\ndescription: [unclosed\n---\nText.\n";

    private readonly SiteFactory _site = new();

    [Fact]
    public async Task Liveness_answers_200_Healthy_and_is_never_cached()
    {
        var response = await _site.CreateVisitor().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control was '{response.Headers.CacheControl}'");
    }

    [Theory]
    [InlineData("DELETE", "/healthz")]
    [InlineData("POST", "/healthz/ready")]
    public async Task The_probes_only_read_other_methods_get_405(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        var response = await _site.CreateVisitor().SendAsync(request);
        var head = await _site.CreateVisitor().SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Readiness_is_Healthy_with_the_content_version_and_page_count()
    {
        var (status, report, response) = await Ready();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control was '{response.Headers.CacheControl}'");
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var content = report.GetProperty("checks").GetProperty("content");
        Assert.Equal("Healthy", content.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(content.GetProperty("description").GetString()));
        var data = content.GetProperty("data");
        Assert.True(data.GetProperty("loaded").GetBoolean());
        Assert.True(data.GetProperty("version").GetInt64() >= 1);
        Assert.Equal(PageFiles().Count(), data.GetProperty("pages").GetInt32());
        Assert.Equal(0, data.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task A_content_error_makes_readiness_Degraded_but_still_200_and_names_file_and_line()
    {
        _site.WriteContent("guide/warning-signs.md", BrokenFrontMatter);

        var (status, report, _) = await Ready();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", report.GetProperty("status").GetString());
        var content = report.GetProperty("checks").GetProperty("content");
        Assert.Equal("Degraded", content.GetProperty("status").GetString());
        Assert.True(content.GetProperty("data").GetProperty("loaded").GetBoolean());
        var error = Assert.Single(content.GetProperty("data").GetProperty("errors").EnumerateArray()).GetString();
        Assert.Matches(@"^guide/warning-signs\.md:\d+: ", error);
    }

    [Fact]
    public async Task Readiness_follows_a_live_edit_from_Healthy_to_Degraded_and_back()
    {
        var path = Path.Combine(_site.ContentRoot, "guide", "warning-signs.md");
        var good = await File.ReadAllTextAsync(path);
        Assert.Equal("Healthy", (await Ready()).Report.GetProperty("status").GetString());

        await File.WriteAllTextAsync(path, BrokenFrontMatter);
        var broken = await Eventually.Get(Ready, r => r.Report.GetProperty("status").GetString() != "Healthy");
        await File.WriteAllTextAsync(path, good + "\nEdited again.\n");
        var fixedAgain = await Eventually.Get(Ready, r => r.Report.GetProperty("status").GetString() == "Healthy");

        Assert.Equal((HttpStatusCode.OK, "Degraded"), (broken.Status, broken.Report.GetProperty("status").GetString()));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (fixedAgain.Status, fixedAgain.Report.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Content_that_never_loaded_makes_readiness_Unhealthy_503_while_liveness_stays_200()
    {
        foreach (var file in PageFiles())
        {
            File.WriteAllText(file, BrokenFrontMatter);
        }

        var (status, report, response) = await Ready();
        var live = await _site.CreateVisitor().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var content = report.GetProperty("checks").GetProperty("content");
        Assert.False(content.GetProperty("data").GetProperty("loaded").GetBoolean());
        Assert.Equal(0, content.GetProperty("data").GetProperty("pages").GetInt32());
        Assert.NotEqual(0, content.GetProperty("data").GetProperty("errors").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Readiness_runs_every_check_tagged_ready_and_only_those()
    {
        // The way another area (the outbox) adds its check: registered with the "ready" tag, nothing else to wire.
        var site = _site.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddHealthChecks()
            .AddCheck("backlog", () => HealthCheckResult.Degraded("3 inquiries waiting", data: new Dictionary<string, object> { ["pending"] = 3 }), tags: ["ready"])
            .AddCheck("untagged", () => HealthCheckResult.Unhealthy("must not be run by readiness"))));

        var response = await FromThisMachine(site).GetAsync("/healthz/ready");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = json.RootElement.GetProperty("checks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Degraded", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(["backlog", "content", "outbox"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(3, checks.GetProperty("backlog").GetProperty("data").GetProperty("pending").GetInt32());
        Assert.Equal("3 inquiries waiting", checks.GetProperty("backlog").GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_failing_check_answers_503_without_its_exception_text()
    {
        var site = _site.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddHealthChecks()
            .AddCheck("store", () => HealthCheckResult.Unhealthy("store unavailable", new InvalidOperationException("secret-internal-detail")), tags: ["ready"])));

        var response = await FromThisMachine(site).GetAsync("/healthz/ready");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("store unavailable", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-internal-detail", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_probes_stay_out_of_the_request_log()
    {
        var client = _site.CreateVisitor();

        await client.GetAsync("/healthz");
        await client.GetAsync("/healthz/ready");
        await client.GetAsync("/");

        // The request event is written as the response completes, a moment after the client has it; "/" comes last.
        var requests = await Eventually.Get(
            () => Task.FromResult(_site.Logs.Events
                .Where(e => e.Level >= LogEventLevel.Information && e.Properties.ContainsKey("RequestPath"))
                .Select(e => e.Properties["RequestPath"].ToString().Trim('"'))
                .ToList()),
            paths => paths.Contains("/"));
        Assert.Contains("/", requests);
        Assert.DoesNotContain(requests, path => path.StartsWith("/healthz", StringComparison.Ordinal));
    }

    public void Dispose() => _site.Dispose();

    private IEnumerable<string> PageFiles() =>
        new[] { "guide", "pages" }.SelectMany(folder => Directory.GetFiles(Path.Combine(_site.ContentRoot, folder), "*.md"));

    [Fact]
    public async Task Readiness_is_Unhealthy_503_when_the_outbox_cannot_be_written()
    {
        using var site = ContactSite.Create();
        await site.BreakOutboxAsync();

        var response = await FromThisMachine(site).GetAsync("/healthz/ready");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("checks").GetProperty("outbox").GetProperty("status").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("content").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_reports_a_stale_backlog_as_Degraded_200_and_never_sends_the_mail_itself()
    {
        // SMTP is down (nothing listens on the port), and retries are far apart: only the dispatcher may ever send.
        await using var smtp = SmtpTestServer.Reserve();
        var clock = new ShiftedTime();
        using var site = ContactSite.Create(smtp).Set("Outbox:RetryBaseSeconds", "3600").Set("Outbox:RetryMaxSeconds", "3600");
        using var host = site.WithTime(clock);
        await host.Visitor().SendValidAsync();
        await site.Logs.WaitForLogAsync(e => e.MessageTemplate.Text.StartsWith("Inquiry {InquiryId} not delivered", StringComparison.Ordinal));
        await smtp.StartAsync();

        clock.Offset = TimeSpan.FromMinutes(16);
        var response = await FromThisMachine(host).GetAsync("/healthz/ready");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var outbox = json.RootElement.GetProperty("checks").GetProperty("outbox");
        for (var i = 0; i < 5; i++)
        {
            _ = await FromThisMachine(host).GetAsync("/healthz/ready");
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Degraded", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Degraded", outbox.GetProperty("status").GetString());
        Assert.Equal(1, outbox.GetProperty("data").GetProperty("backlog").GetInt32());
        Assert.Empty(smtp.Received);
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("10.0.0.5")]
    [InlineData(null)]
    public async Task Readiness_seen_from_elsewhere_gives_statuses_but_no_figures(string? address)
    {
        var handler = _site.Server.CreateHandler(context => context.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address));
        using var client = new HttpClient(handler) { BaseAddress = new Uri("https://localhost") };

        var response = await client.GetAsync("/healthz/ready");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = json.RootElement.GetProperty("checks");

        // The status is what a load balancer or uptime monitor needs; counts of waiting inquiries are not its business.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("outbox").GetProperty("status").GetString());
        Assert.All(checks.EnumerateObject(), check => Assert.Equal(["status"], check.Value.EnumerateObject().Select(p => p.Name)));
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    public async Task Readiness_through_a_proxy_on_this_machine_is_not_local(string header, string value)
    {
        // A proxy on the same machine that is not in ForwardedHeaders:KnownProxies: the app sees loopback.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz/ready");
        request.Headers.TryAddWithoutValidation(header, value);

        var response = await FromThisMachine(_site).SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(json.RootElement.GetProperty("checks").EnumerateObject(), check => Assert.Equal(["status"], check.Value.EnumerateObject().Select(p => p.Name)));
    }

    /// <summary>A client on this machine, as the Docker health probe and an operator's curl are: it gets the details.</summary>
    private static HttpClient FromThisMachine(WebApplicationFactory<Program> site) =>
        new(site.Server.CreateHandler(context => context.Connection.RemoteIpAddress = IPAddress.Loopback)) { BaseAddress = new Uri("https://localhost") };

    private async Task<(HttpStatusCode Status, JsonElement Report, HttpResponseMessage Response)> Ready()
    {
        var response = await FromThisMachine(_site).GetAsync("/healthz/ready");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone(), response);
    }
}
