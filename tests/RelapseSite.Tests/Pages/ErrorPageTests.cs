using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace RelapseSite.Tests.Pages;

public sealed class ErrorPageTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/guide/no-such-section")]
    [InlineData("/a/b/c")]
    public async Task Unknown_urls_get_a_real_404_with_the_phone_number_and_a_way_back(string path)
    {
        var response = await site.CreateVisitor().GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("We can&#x27;t find that page", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        Assert.Contains("href=\"/\"", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"robots\" content=\"noindex\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"canonical\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("og:url", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_404_is_logged_once_under_the_address_that_was_asked_for()
    {
        var path = $"/old-link-{Guid.NewGuid():N}";
        var before = site.Logs.Events.Count;

        await site.CreateVisitor().GetAsync(path);
        await site.Logs.WaitForLogAsync(e => RequestPath(e) == path);

        // The error page that answered it is not a second request in the log.
        var line = Assert.Single(RequestLines(before));
        Assert.Equal(path, RequestPath(line));
        Assert.Equal("404", line.Properties["StatusCode"].ToString());
        Assert.Equal(LogEventLevel.Information, line.Level);
    }

    [Theory]
    [InlineData("DELETE", "/")]
    [InlineData("PUT", "/guide/warning-signs")]
    [InlineData("PATCH", "/contact")]
    [InlineData("POST", "/privacy")]
    [InlineData("OPTIONS", "/contact/thanks")]
    [InlineData("DELETE", "/no-such-page")]
    public async Task A_method_a_page_does_not_take_gets_a_405_page_that_says_what_happened(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("") };
        var response = await site.CreateVisitor().SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.DoesNotContain("<h1></h1>", html, StringComparison.Ordinal);
        Assert.Matches("<h1>[^<]+</h1>", html);
        Assert.Contains("That didn&#x27;t work", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Range", "bytes=999999-", HttpStatusCode.RequestedRangeNotSatisfiable)]
    [InlineData("If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT", HttpStatusCode.PreconditionFailed)]
    public async Task A_request_refused_for_its_own_headers_does_not_say_the_fault_was_ours(string header, string value, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/css/site.css");
        request.Headers.TryAddWithoutValidation(header, value);
        var response = await site.CreateVisitor().SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.Contains("That didn&#x27;t work", html, StringComparison.Ordinal);
        Assert.DoesNotContain("on our side", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/error")]
    [InlineData("/error/404")]
    [InlineData("/error/500")]
    [InlineData("/Error/503")]
    public async Task The_error_page_reached_directly_is_a_404_and_writes_no_error_to_the_log(string path)
    {
        var response = await site.CreateVisitor().GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        var logged = Assert.Single(await site.Logs.WaitForLogAsync(e => RequestPath(e) == path));

        // Nothing failed, so nothing may say so: a 500 here would let anyone fill the log with errors.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("We can&#x27;t find that page", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        Assert.Equal(LogEventLevel.Information, logged.Level);
    }

    [Fact]
    public async Task An_unexpected_exception_gives_a_friendly_500_without_a_stack_trace()
    {
        using var failing = site.WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ThrowAfterTheSite>()));
        _ = failing.Server;
        var before = site.Logs.Events.Count;

        var response = await failing.CreateClient().GetAsync(ThrowAfterTheSite.Path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("something went wrong on our side", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", html, StringComparison.Ordinal);
        Assert.DoesNotContain(ThrowAfterTheSite.SecretDetail, html, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\bat [\w.<>]+\(", html);

        // One error line for the failed request, under its own address; the error page's pass is not another.
        await site.Logs.WaitForLogAsync(e => RequestPath(e) == ThrowAfterTheSite.Path);
        var logged = Assert.Single(RequestLines(before));
        Assert.Equal(ThrowAfterTheSite.Path, RequestPath(logged));
        Assert.Equal(LogEventLevel.Error, logged.Level);
    }

    /// <summary>The request-log lines written since the log held <paramref name="count"/> events.</summary>
    private List<LogEvent> RequestLines(int count) => [.. site.Logs.Events.Skip(count).Where(e => RequestPath(e) is not null)];

    /// <summary>The address a request-log line is about, or null for any other event.</summary>
    private static string? RequestPath(LogEvent e) =>
        e.Properties.TryGetValue("RequestPath", out var value) && e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal)
            ? (value as ScalarValue)?.Value as string
            : null;
}
