using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RelapseSite.Web;

namespace RelapseSite.Tests.Web;

public sealed class SecurityHeadersTests(KestrelSiteFactory site) : IClassFixture<KestrelSiteFactory>
{
    /// <summary>Every kind of response the site gives: pages, the form, errors, feeds for crawlers, static files.</summary>
    public static TheoryData<string, HttpStatusCode> Urls()
    {
        var data = new TheoryData<string, HttpStatusCode>
        {
            { "/", HttpStatusCode.OK },
            { "/privacy", HttpStatusCode.OK },
            { "/contact", HttpStatusCode.OK },
            { "/no-such-page", HttpStatusCode.NotFound },
            { "/guide/no-such-section", HttpStatusCode.NotFound },
            { "/error", HttpStatusCode.NotFound },
            { "/sitemap.xml", HttpStatusCode.OK },
            { "/robots.txt", HttpStatusCode.OK },
            { "/css/site.css", HttpStatusCode.OK },
            { "/favicon.svg", HttpStatusCode.OK },
        };
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestFolders.RepositoryRoot, "content", "guide"), "*.md").Order())
        {
            data.Add($"/guide/{Path.GetFileNameWithoutExtension(file)}", HttpStatusCode.OK);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task Every_response_carries_a_strict_content_security_policy(string path, HttpStatusCode status)
    {
        using var response = await GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        var csp = Directives(Single(response, "Content-Security-Policy"));
        Assert.Equal(["'self'"], csp["default-src"]);
        Assert.Equal(["'none'"], csp["object-src"]);
        Assert.Equal(["'self'"], csp["base-uri"]);
        Assert.Equal(["'self'"], csp["form-action"]);
        Assert.Equal(["'none'"], csp["frame-ancestors"]);
        Assert.DoesNotContain(csp.Values.SelectMany(v => v), s => s is "'unsafe-inline'" or "'unsafe-eval'" or "*" or "data:" or "http:" or "https:");
        Assert.False(response.Headers.Contains("Content-Security-Policy-Report-Only"), "the policy must be enforced, not only reported");
    }

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task Every_response_keeps_the_visit_private_and_names_no_server(string path, HttpStatusCode status)
    {
        using var response = await GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Single(response, "Referrer-Policy"));
        Assert.Equal("same-origin", Single(response, "Cross-Origin-Opener-Policy"));
        var permissions = Single(response, "Permissions-Policy").Split(',', StringSplitOptions.TrimEntries);
        Assert.All(["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"], feature => Assert.Contains(feature, permissions));
        Assert.False(response.Headers.Contains("Server"), "Server: " + string.Join(", ", response.Headers.Server));
        Assert.False(response.Headers.Contains("X-Powered-By"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS must not be sent over plain HTTP");
    }

    [Fact]
    public async Task Over_https_responses_carry_hsts_and_cookies_are_httponly_strict_and_secure()
    {
        using var https = new SiteFactory();
        var client = https.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://relapse.example.org") });
        var paths = Urls().Select(row => (string)row[0]);

        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();

            Assert.Matches(@"^max-age=31536000\b", Single(response, "Strict-Transport-Security"));
            var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
            if (html.Contains("__RequestVerificationToken", StringComparison.Ordinal))
            {
                Assert.NotEmpty(cookies);
            }

            Assert.All(cookies, cookie =>
            {
                var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
                Assert.Contains("httponly", attributes);
                Assert.Contains("samesite=strict", attributes);
                Assert.Contains("secure", attributes);
            });
        }
    }

    [Fact]
    public async Task Hsts_is_never_sent_to_localhost_so_a_developer_machine_is_not_pinned_to_https()
    {
        using var https = new SiteFactory();
        var client = https.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/guide/warning-signs")]
    [InlineData("/privacy")]
    public async Task A_stored_page_replays_the_security_headers_it_was_rendered_with_for_each_scheme(string path)
    {
        // A fresh site, so the first request of each scheme renders the page and the second is served from the cache.
        using var fresh = new SiteFactory();
        var http = fresh.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("http://relapse.example.org") });
        var https = fresh.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://relapse.example.org") });

        var overHttp = new[] { await SecurityHeadersOf(http, path), await SecurityHeadersOf(http, path) };
        var overHttps = new[] { await SecurityHeadersOf(https, path), await SecurityHeadersOf(https, path) };

        Assert.Equal(overHttp[0], overHttp[1]);
        Assert.Equal(overHttps[0], overHttps[1]);
        Assert.Contains("Content-Security-Policy", overHttp[1].Keys);
        Assert.Contains("Permissions-Policy", overHttp[1].Keys);
        Assert.DoesNotContain("Strict-Transport-Security", overHttp[1].Keys);
        Assert.Contains("Strict-Transport-Security", overHttps[1].Keys);
        Assert.Equal(overHttp[1].Remove("Strict-Transport-Security"), overHttps[1].Remove("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/guide/warning-signs")]
    [InlineData("/privacy")]
    public async Task A_page_first_rendered_for_a_localhost_request_is_not_replayed_without_hsts_to_real_visitors(string path)
    {
        // A proxy that forwards "Host: 127.0.0.1", a local probe, or anyone sending "Host: localhost" can be first.
        using var fresh = new SiteFactory();
        var local = fresh.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var visitor = fresh.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://relapse.example.org") });

        var first = await SecurityHeadersOf(local, path);
        var thenVisitor = new[] { await SecurityHeadersOf(visitor, path), await SecurityHeadersOf(visitor, path) };
        var thenLocal = await SecurityHeadersOf(local, path);

        Assert.DoesNotContain("Strict-Transport-Security", first.Keys);
        Assert.All(thenVisitor, headers => Assert.Contains("Strict-Transport-Security", headers.Keys));
        Assert.DoesNotContain("Strict-Transport-Security", thenLocal.Keys);
    }

    [Theory]
    [InlineData("https", "relapse.example.org")]
    [InlineData("https", "localhost")]
    [InlineData("https", "LocalHost")]
    [InlineData("https", "127.0.0.1")]
    [InlineData("https", "[::1]")]
    [InlineData("https", "10.0.0.5")]
    [InlineData("http", "relapse.example.org")]
    public void The_cache_key_rule_for_hsts_matches_what_the_header_policy_sends(string scheme, string host)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);

        var policySendsHsts = SecurityHeaders.For(context).Any(h => h.Key == "Strict-Transport-Security");

        Assert.Equal(policySendsHsts, SecurityHeaders.SendsHsts(context.Request));
    }

    [Fact]
    public void Cookie_rules_cover_the_antiforgery_cookie_and_every_other_cookie()
    {
        var policy = site.Services.GetRequiredService<IOptions<CookiePolicyOptions>>().Value;
        var antiforgery = site.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie;

        Assert.Equal(HttpOnlyPolicy.Always, policy.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, policy.MinimumSameSitePolicy);
        Assert.Equal(CookieSecurePolicy.SameAsRequest, policy.Secure);
        Assert.True(antiforgery.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, antiforgery.SameSite);
        Assert.Equal(CookieSecurePolicy.SameAsRequest, antiforgery.SecurePolicy);
    }

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var client = site.CreateHttpVisitor();
        return await client.GetAsync(path);
    }

    private static readonly string[] SecurityHeaderNames =
    [
        "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy",
        "Cross-Origin-Opener-Policy", "Cross-Origin-Resource-Policy", "Strict-Transport-Security",
    ];

    /// <summary>The security headers of one 200 response, each with its one value.</summary>
    private static async Task<ImmutableSortedDictionary<string, string>> SecurityHeadersOf(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return SecurityHeaderNames.Where(response.Headers.Contains)
            .ToImmutableSortedDictionary(name => name, name => Single(response, name), StringComparer.OrdinalIgnoreCase);
    }

    private static string Single(HttpResponseMessage response, string header)
    {
        var values = response.Headers.TryGetValues(header, out var found) ? found.ToList() : [];
        return Assert.Single(values);
    }

    private static Dictionary<string, string[]> Directives(string policy) => policy
        .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .ToDictionary(parts => parts[0], parts => parts[1..], StringComparer.Ordinal);
}
