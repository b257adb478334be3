using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using RelapseSite.Content;

namespace RelapseSite.Web;

/// <summary>
/// Marks an endpoint whose response depends only on its route values and the content version, so a rendered 200 can
/// be stored and replayed to every visitor. Never put it on anything that reads the query, cookies or form input, or
/// that carries an antiforgery token.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class CachedPageAttribute : Attribute
{
}

/// <summary>One stored page: the bytes in each coding, the headers the page set, and a validator per coding.</summary>
public sealed class CachedResponse
{
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
}

/// <summary>
/// Rendered pages of the current content version, keyed by endpoint and route values. A new content version starts
/// an empty generation, so an edit is served from the next request on and nothing needs evicting one by one. The
/// cache holds only 200 responses of pages that exist, so it is bounded by the content itself.
/// </summary>
public sealed class PageCache(ContentStore store)
{
    private Generation _generation = new(-1);

    /// <summary>The generation for the content version a request is about to render, or null if that version is already stale.</summary>
    public Generation? For(long version)
    {
        while (true)
        {
            var current = Volatile.Read(ref _generation);
            if (current.Version == version)
            {
                return current;
            }

            if (current.Version > version)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref _generation, new Generation(version), current) == current)
            {
                return _generation;
            }
        }
    }

    /// <summary>The version of the content being served now; read it before rendering, store under it after.</summary>
    public long ContentVersion => store.Current.Version;

    /// <summary>The generation for the content being served now.</summary>
    public Generation? Current => For(ContentVersion);

    /// <summary>Https is part of the key because the security headers stored with a page differ by scheme (HSTS).</summary>
    public readonly record struct Key(Endpoint Endpoint, string? RouteValues, bool Https);

    public sealed class Generation(long version)
    {
        public long Version { get; } = version;

        public ConcurrentDictionary<Key, CachedResponse> Pages { get; } = new();

        /// <summary>Pages being rendered right now; other requests for them wait instead of rendering them again.</summary>
        public ConcurrentDictionary<Key, Task<CachedResponse?>> Filling { get; } = new();
    }
}
