using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace RelapseSite.Web;

/// <summary>
/// Serves <see cref="CachedPageAttribute"/> pages from <see cref="PageCache"/>. A hit writes stored bytes and ends the
/// request; a miss lets the page render into a buffer, stores the result with its gzip and Brotli forms, and answers
/// from the stored copy, so a miss and a hit send the same headers. It sits right after routing (it keys on the
/// endpoint) and ahead of the security-headers middleware, whose headers each stored page carries instead.
/// </summary>
public sealed class PageCacheMiddleware(RequestDelegate next, PageCache cache, ILogger<PageCacheMiddleware> logger)
{
    private static readonly StringValues NoCache = "no-cache";

    /// <summary>Headers the server computes per response; they are never stored or replayed.</summary>
    private static readonly HashSet<string> Transport = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.ContentLength, HeaderNames.Date, HeaderNames.Server, HeaderNames.TransferEncoding, HeaderNames.Connection,
    };

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var method = context.Request.Method;
        // Another spelling of a page's address goes on to the page, which sends it to the real one, rather than being
        // served, and remembered, from here.
        if (endpoint?.Metadata.GetMetadata<CachedPageAttribute>() is null || !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            || !PageCache.IsCanonicalSpelling(context.Request.Path.Value))
        {
            return next(context);
        }

        var version = cache.ContentVersion;
        var key = new PageCache.Key(endpoint, RouteKey(context.Request.RouteValues), SecurityHeaders.SendsHsts(context.Request));
        var generation = cache.For(version);
        return generation is null ? RenderAndWriteAsync(context, key, version)
            : generation.Pages.TryGetValue(key, out var page) ? ServeAsync(context, generation, key, page)
            : FillAsync(context, generation, key);
    }

    private static Task ServeAsync(HttpContext context, PageCache.Generation generation, PageCache.Key key, CachedResponse page)
    {
        generation.Remember(context.Request.Path.Value!, key, page);
        return page.WriteAsync(context);
    }

    private async Task RenderAndWriteAsync(HttpContext context, PageCache.Key key, long version)
    {
        if (await RenderAsync(context, key, version) is { } page)
        {
            await page.WriteAsync(context);
        }
    }

    /// <summary>
    /// One request renders a missing page; requests for it that arrive meanwhile wait for that copy. Without this, the
    /// first moments after an edit would render a big page once per waiting visitor, all at the same time.
    /// </summary>
    private async Task FillAsync(HttpContext context, PageCache.Generation generation, PageCache.Key key)
    {
        var filled = new TaskCompletionSource<CachedResponse?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var filling = generation.Filling.GetOrAdd(key, filled.Task);
        if (filling != filled.Task)
        {
            // Someone else is rendering it. If that ends in nothing storable (a 404, a cookie), render our own.
            if (await filling.WaitAsync(context.RequestAborted) is { } page)
            {
                await page.WriteAsync(context);
                return;
            }

            await RenderAndWriteAsync(context, key, generation.Version);
            return;
        }

        CachedResponse? rendered = null;
        try
        {
            rendered = await RenderAsync(context, key, generation.Version);
        }
        finally
        {
            // Released before this request writes its own copy, so a slow client never holds the others up.
            filled.SetResult(rendered);
            generation.Filling.TryRemove(new(key, filled.Task));
        }

        if (rendered is not null)
        {
            await rendered.WriteAsync(context);
        }
    }

    /// <summary>
    /// Renders the page into a buffer. A page that may be shared is stored and returned, for the caller to send; any
    /// other response is sent as rendered, and the result is null.
    /// </summary>
    private async Task<CachedResponse?> RenderAsync(HttpContext context, PageCache.Key key, long version)
    {
        var response = context.Response;
        var before = response.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        var originalBody = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var buffer = new MemoryStream();
        var capture = new StreamResponseBodyFeature(buffer);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        try
        {
            await next(context);

            // Flushes anything written through the PipeWriter rather than the Stream into the buffer.
            await capture.CompleteAsync();
        }
        finally
        {
            context.Features.Set(originalBody);
        }

        var headers = HeadersSetByThePage(response.Headers, before);
        if (response.StatusCode != StatusCodes.Status200OK || !IsStorable(headers))
        {
            // Not a page we may share (a 404 for an unknown slug, a cookie, no-store): send it as it was rendered.
            if (buffer.Length > 0)
            {
                await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
            }

            return null;
        }

        if (!response.Headers.ContainsKey(HeaderNames.CacheControl))
        {
            // Browsers may keep the page but must ask again (a cheap 304), so an edit reaches them at once.
            headers.Add(new(HeaderNames.CacheControl, NoCache));
        }

        // The security headers are set as a response starts, which this one has not yet; store what they will be.
        var security = SecurityHeaders.For(context);
        headers.RemoveAll(h => security.Any(s => s.Key.Equals(h.Key, StringComparison.OrdinalIgnoreCase)));
        headers.AddRange(security);

        var page = new CachedResponse(buffer.ToArray(), headers);
        if (cache.For(version) is { } generation)
        {
            page = generation.Pages.GetOrAdd(key, page);
        }
        else
        {
            logger.LogDebug("Content changed while {Path} rendered; not storing it", context.Request.Path);
        }

        return page;
    }

    private static List<KeyValuePair<string, StringValues>> HeadersSetByThePage(IHeaderDictionary now, Dictionary<string, StringValues> before)
    {
        return [.. now.Where(h => !Transport.Contains(h.Key) && !(before.TryGetValue(h.Key, out var old) && old == h.Value))];
    }

    private static bool IsStorable(List<KeyValuePair<string, StringValues>> headers)
    {
        foreach (var (name, value) in headers)
        {
            // A cookie is someone's; no-store or private is a page saying it is per visitor (antiforgery sets both).
            if (name.Equals(HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase)
                || name.Equals(HeaderNames.ContentEncoding, StringComparison.OrdinalIgnoreCase)
                || (name.Equals(HeaderNames.CacheControl, StringComparison.OrdinalIgnoreCase)
                    && value.Any(v => v is not null && (v.Contains("no-store", StringComparison.OrdinalIgnoreCase) || v.Contains("private", StringComparison.OrdinalIgnoreCase)))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The route values (not the page name, which the endpoint already fixes) as one string; no allocation for one value.</summary>
    private static string? RouteKey(RouteValueDictionary values)
    {
        string? key = null;
        foreach (var (name, value) in values)
        {
            if (name is "page" or "action" or "controller")
            {
                continue;
            }

            var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            key = key is null ? text : string.Concat(key, "\u001f", text);
        }

        return key;
    }
}
