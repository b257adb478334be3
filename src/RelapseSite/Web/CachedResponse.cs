using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace RelapseSite.Web;

/// <summary>One stored page: the bytes in each coding, the headers the page set, and a validator per coding.</summary>
public sealed class CachedResponse
{
    private static readonly StringValues VaryByCoding = HeaderNames.AcceptEncoding;

    private readonly byte[][] _bodies;
    private readonly StringValues[] _etags;

    public CachedResponse(byte[] identity, IReadOnlyList<KeyValuePair<string, StringValues>> headers)
    {
        // A content hash, not the content version: an edit elsewhere leaves this page's validator alone, so browsers keep their copy.
        var hash = Convert.ToBase64String(SHA256.HashData(identity).AsSpan(0, 15)).Replace('+', '-').Replace('/', '_');
        _bodies = [identity, ContentCodings.Gzip(identity), ContentCodings.Brotli(identity)];
        _etags = [$"\"{hash}\"", $"\"{hash}-gz\"", $"\"{hash}-br\""];
        Headers = headers;
    }

    /// <summary>Headers the page itself set (Content-Type, Cache-Control, ...), replayed on every hit.</summary>
    public IReadOnlyList<KeyValuePair<string, StringValues>> Headers { get; }

    public long Size => _bodies.Sum(b => (long)b.Length);

    public byte[] Body(ContentCoding coding) => _bodies[(int)coding];

    /// <summary>A strong validator per coding: the gzip and Brotli bytes are different representations.</summary>
    public StringValues ETag(ContentCoding coding) => _etags[(int)coding];

    /// <summary>Sends this page: the coding the request asked for, its validator, or a 304 when the browser's copy is current.</summary>
    public async Task WriteAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var coding = ContentCodings.Negotiate(request.Headers.AcceptEncoding.ToString());
        var etag = ETag(coding);

        response.StatusCode = StatusCodes.Status200OK;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }

        var vary = response.Headers.Vary;
        response.Headers.Vary = vary.Count == 0 ? VaryByCoding : StringValues.Concat(vary, VaryByCoding);
        response.Headers.ETag = etag;
        if (ContentCodings.HeaderValue(coding) is { } encoding)
        {
            response.Headers.ContentEncoding = encoding;
        }

        if (request.Headers.IfNoneMatch.Count > 0 && Matches(request.Headers.IfNoneMatch, etag.ToString()))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var body = Body(coding);
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.BodyWriter.WriteAsync(body, context.RequestAborted);
        }
    }

    /// <summary>Weak comparison, as RFC 9110 asks for If-None-Match: a match ignores the W/ prefix; "*" matches any.</summary>
    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        return EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
            && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Tag.AsSpan().SequenceEqual(etag));
    }
}
