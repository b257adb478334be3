using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RelapseSite.Web;

namespace RelapseSite.Tests.Web;

/// <summary>The pre-rendered page cache, through HTTP on the real site. Each test gets its own site, so the first request is a miss.</summary>
public sealed class CachingTests : IDisposable
{
    private readonly SiteFactory _site = new();

    [Fact]
    public async Task A_cached_page_shows_an_edit_once_the_file_is_saved()
    {
        var client = _site.CreateVisitor();
        _ = await client.GetStringAsync("/guide/warning-signs");
        _ = await client.GetStringAsync("/guide/warning-signs");
        var before = await client.GetStringAsync("/guide/warning-signs");
        _ = await client.GetStringAsync("/");
        Assert.NotEmpty(Cache().Current!.Pages);
        Assert.NotEmpty(Cache().Current!.ByPath);

        var path = Path.Combine(_site.ContentRoot, "guide", "warning-signs.md");
        File.WriteAllText(path, File.ReadAllText(path).Replace("Big changes in your life", "Big shifts in your life", StringComparison.Ordinal));
        var after = await Eventually.Get(() => client.GetStringAsync("/guide/warning-signs"), h => h.Contains("Big shifts", StringComparison.Ordinal));
        var home = await client.GetStringAsync("/");

        Assert.Contains("Big changes in your life", before, StringComparison.Ordinal);
        Assert.Contains("Big shifts in your life", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Big changes in your life", after, StringComparison.Ordinal);
        Assert.Contains("Big shifts in your life", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_is_rendered_once_and_then_served_from_the_cache()
    {
        var client = _site.CreateVisitor();

        var first = await client.GetStringAsync("/guide/warning-signs");
        var stored = Assert.Single(Cache().Current!.Pages);
        var second = await client.GetStringAsync("/guide/warning-signs");

        Assert.Equal(first, second);
        Assert.Same(stored.Value, Assert.Single(Cache().Current!.Pages).Value);
        Assert.Equal("warning-signs", stored.Key.RouteValues);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/guide/warning-signs")]
    [InlineData("/privacy")]
    public async Task A_hit_sends_the_same_status_headers_and_bytes_as_the_miss(string path)
    {
        using var site = WithEarlyHeaders();
        var client = site.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var miss = await client.GetAsync(path);
        var hit = await client.GetAsync(path);
        var byPath = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal(HeadersOf(miss), HeadersOf(hit));
        Assert.Equal(HeadersOf(miss), HeadersOf(byPath));
        Assert.Equal(await miss.Content.ReadAsByteArrayAsync(), await hit.Content.ReadAsByteArrayAsync());
        Assert.Equal(await miss.Content.ReadAsByteArrayAsync(), await byPath.Content.ReadAsByteArrayAsync());
        Assert.Contains(new PageCache.PathKey(path, false), site.Services.GetRequiredService<PageCache>().Current!.ByPath.Keys);
        Assert.Equal("text/html", hit.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", hit.Headers.CacheControl?.ToString());
        Assert.Contains("Accept-Encoding", hit.Headers.Vary);
        Assert.NotNull(hit.Headers.ETag);
        // Headers from middleware ahead of the cache, set directly or in a response-start callback, reach hits too.
        Assert.Equal("direct", Assert.Single(hit.Headers.GetValues("X-Early-Direct")));
        Assert.Equal("on-starting", Assert.Single(hit.Headers.GetValues("X-Early-OnStarting")));
    }

    [Fact]
    public async Task Other_spellings_of_a_cached_page_are_sent_to_its_address_and_only_that_address_is_kept()
    {
        var client = _site.CreateVisitor();
        string[] spellings = ["/guide/warning-signs", "/GUIDE/warning-signs", "/Guide/warning-signs", "/guide/warning-signs/"];

        var answers = new List<(HttpStatusCode Status, string? Location)>();
        foreach (var spelling in spellings.Concat(spellings).Concat(spellings))
        {
            var response = await client.GetAsync(spelling);
            answers.Add((response.StatusCode, response.Headers.Location?.OriginalString));
        }

        // Served from the cache or not, a spelling never gets the page itself: only its real address does.
        (HttpStatusCode, string?)[] round =
        [
            (HttpStatusCode.OK, null),
            (HttpStatusCode.MovedPermanently, "/guide/warning-signs"),
            (HttpStatusCode.MovedPermanently, "/guide/warning-signs"),
            (HttpStatusCode.MovedPermanently, "/guide/warning-signs"),
        ];
        Assert.Equal([.. round, .. round, .. round], answers);
        Assert.Equal([new PageCache.PathKey("/guide/warning-signs", Hsts: false)], Cache().Current!.ByPath.Keys);
        Assert.Single(Cache().Current!.Pages);
    }

    [Fact]
    public async Task A_cache_hit_is_still_logged_with_path_status_and_time()
    {
        var client = _site.CreateVisitor();

        _ = await client.GetAsync("/guide/warning-signs");
        _ = await client.GetAsync("/guide/warning-signs");
        _ = await client.GetAsync("/guide/warning-signs");

        var lines = _site.Logs.Events
            .Where(e => e.Properties.TryGetValue("RequestPath", out var p) && p.ToString() == "\"/guide/warning-signs\"")
            .ToList();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, e =>
        {
            Assert.Equal("200", e.Properties["StatusCode"].ToString());
            Assert.True(e.Properties.ContainsKey("Elapsed"));
        });
    }

    [Fact]
    public async Task The_contact_page_is_never_stored()
    {
        var client = _site.CreateVisitor();

        var first = await client.GetAsync("/contact");
        _ = await client.GetAsync("/contact");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Empty(Cache().Current!.Pages);
        Assert.Null(first.Headers.ETag);
    }

    [Fact]
    public async Task Unknown_sections_are_not_stored_and_still_get_the_friendly_404()
    {
        var client = _site.CreateVisitor();

        var response = await client.GetAsync("/guide/no-such-section");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("We can&#x27;t find that page", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Cache().Current!.Pages);
    }

    [Fact]
    public async Task HEAD_gets_the_headers_of_GET_without_a_body()
    {
        var client = _site.CreateVisitor();

        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/guide/warning-signs"));
        var get = await client.GetAsync("/guide/warning-signs");
        var headAgain = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/guide/warning-signs"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Empty(await headAgain.Content.ReadAsByteArrayAsync());
        Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Headers.ETag, headAgain.Headers.ETag);
    }

    [Fact]
    public async Task A_matching_etag_gets_304_until_the_page_changes()
    {
        var client = _site.CreateVisitor();
        var etag = (await client.GetAsync("/guide/warning-signs")).Headers.ETag!;

        var unchanged = await client.SendAsync(Conditional("/guide/warning-signs", etag.Tag));
        var weak = await client.SendAsync(Conditional("/guide/warning-signs", "W/" + etag.Tag));
        var other = await client.SendAsync(Conditional("/guide/warning-signs", "\"something-else\""));
        var path = Path.Combine(_site.ContentRoot, "guide", "warning-signs.md");
        File.AppendAllText(path, "\nOne more line.\n");
        var changed = await Eventually.Get(() => client.SendAsync(Conditional("/guide/warning-signs", etag.Tag)), r => r.StatusCode == HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, unchanged.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, weak.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("One more line.", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edit_to_one_page_keeps_the_validator_of_the_others()
    {
        var client = _site.CreateVisitor();
        var before = (await client.GetAsync("/guide/overdose-risk")).Headers.ETag;

        File.AppendAllText(Path.Combine(_site.ContentRoot, "guide", "warning-signs.md"), "\nOne more line.\n");
        _ = await Eventually.Get(() => client.GetStringAsync("/guide/warning-signs"), h => h.Contains("One more line.", StringComparison.Ordinal));
        var after = (await client.GetAsync("/guide/overdose-risk")).Headers.ETag;

        Assert.NotNull(before);
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData(null, null, 1)]
    [InlineData("Set-Cookie", "visitor=1; path=/", 2)]
    [InlineData("Cache-Control", "no-cache, no-store", 2)]
    [InlineData("Cache-Control", "private, max-age=60", 2)]
    public async Task A_marked_page_that_sets_a_cookie_or_forbids_storing_renders_every_time(string? header, string? value, int expectedRenders)
    {
        var renders = 0;
        var cache = Cache();
        var middleware = new PageCacheMiddleware(
            async context =>
            {
                renders++;
                if (header is not null)
                {
                    context.Response.Headers[header] = value;
                }

                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync("<p>Per visitor?</p>");
            },
            cache,
            NullLogger<PageCacheMiddleware>.Instance);
        var endpoint = MarkedPage("a marked page");

        var bodies = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var context = GetOf(endpoint);
            await middleware.InvokeAsync(context);
            bodies.Add(BodyOf(context));
        }

        Assert.Equal(expectedRenders, renders);
        Assert.All(bodies, b => Assert.Equal("<p>Per visitor?</p>", b));
        Assert.Equal(expectedRenders == 1, cache.Current!.Pages.Keys.Any(k => k.Endpoint == endpoint));
    }

    [Fact]
    public async Task A_page_written_through_the_pipe_writer_is_stored_whole()
    {
        var cache = Cache();
        var middleware = new PageCacheMiddleware(
            context =>
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.BodyWriter.Write("<p>Unflushed</p>"u8);
                return Task.CompletedTask;
            },
            cache,
            NullLogger<PageCacheMiddleware>.Instance);
        var endpoint = MarkedPage("a pipe-writing page");
        var context = GetOf(endpoint);

        await middleware.InvokeAsync(context);

        Assert.Equal("<p>Unflushed</p>", BodyOf(context));
        var stored = cache.Current!.Pages.Single(p => p.Key.Endpoint == endpoint).Value;
        Assert.Equal("<p>Unflushed</p>"u8.ToArray(), stored.Body(ContentCoding.Identity));
    }

    [Fact]
    public async Task Visitors_who_ask_for_a_missing_page_at_the_same_time_share_one_render()
    {
        var renders = 0;
        var release = new TaskCompletionSource();
        var middleware = new PageCacheMiddleware(
            async context =>
            {
                Interlocked.Increment(ref renders);
                await release.Task;
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync("<p>Rendered once</p>");
            },
            Cache(),
            NullLogger<PageCacheMiddleware>.Instance);
        var endpoint = MarkedPage("a slow page");
        var visitors = Enumerable.Range(0, 8).Select(_ => GetOf(endpoint)).ToList();

        var requests = visitors.Select(middleware.InvokeAsync).ToList();
        await Task.Delay(100);
        release.SetResult();
        await Task.WhenAll(requests);

        Assert.Equal(1, renders);
        Assert.All(visitors, v => Assert.Equal("<p>Rendered once</p>", BodyOf(v)));
        Assert.All(visitors, v => Assert.Equal(200, v.Response.StatusCode));
    }

    public void Dispose() => _site.Dispose();

    private PageCache Cache() => _site.Services.GetRequiredService<PageCache>();

    private static Endpoint MarkedPage(string name) => new(null, new EndpointMetadataCollection(new CachedPageAttribute()), name);

    /// <summary>A GET for <paramref name="endpoint"/>, as routing leaves it for the page cache, with a body to read back.</summary>
    private static DefaultHttpContext GetOf(Endpoint endpoint)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.SetEndpoint(endpoint);
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string BodyOf(HttpContext context) => System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    private static HttpRequestMessage Conditional(string path, string ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return request;
    }

    private static List<string> HeadersOf(HttpResponseMessage response) =>
    [
        .. response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .Select(h => $"{h.Key}: {string.Join(", ", h.Value)}")
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The site with a middleware at the very front that sets one header directly and one as the response starts.</summary>
    private WebApplicationFactory<Program> WithEarlyHeaders() =>
        _site.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddTransient<IStartupFilter, EarlyHeaders>()));

    private sealed class EarlyHeaders : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Response.Headers["X-Early-Direct"] = "direct";
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers["X-Early-OnStarting"] = "on-starting";
                    return Task.CompletedTask;
                });
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
