using System.Collections.Concurrent;
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

/// <summary>
/// Rendered pages of the current content version, keyed by endpoint and route values, and by path once served. A new
/// content version starts an empty generation, so an edit is served from the next request on and nothing needs
/// evicting one by one. The cache holds only 200 responses of pages that exist, so it is bounded by the content itself.
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

    /// <summary>HSTS is part of the key because the security headers stored with a page differ by it (<see cref="SecurityHeaders.SendsHsts"/>).</summary>
    public readonly record struct Key(Endpoint Endpoint, string? RouteValues, bool Hsts);

    /// <summary>
    /// Lower case without a trailing slash: the one spelling of a page's address. Routing ignores case in "/guide" and a
    /// final "/", so a page has dozens of spellings; the others go on to the page, which sends them to this one.
    /// </summary>
    public static bool IsCanonicalSpelling(string? path) =>
        path is not null && (path == "/" || (!path.EndsWith('/') && !path.Any(char.IsUpper)));

    /// <summary>A request path exactly as it arrived (Kestrel has decoded it), for the lookup ahead of routing.</summary>
    public readonly record struct PathKey(string Path, bool Hsts);

    public sealed class Generation(long version)
    {
        public long Version { get; } = version;

        public ConcurrentDictionary<Key, CachedResponse> Pages { get; } = new();

        /// <summary>Pages being rendered right now; other requests for them wait instead of rendering them again.</summary>
        public ConcurrentDictionary<Key, Task<CachedResponse?>> Filling { get; } = new();

        /// <summary>
        /// The same pages by the path they were asked for, so a hit can skip routing (<see cref="PageCacheShortcut"/>).
        /// </summary>
        public ConcurrentDictionary<PathKey, CachedResponse> ByPath { get; } = new();

        /// <summary>
        /// Lets later requests for this exact path find the page before routing, for the same HSTS variant as its
        /// <paramref name="key"/>. The path is one <see cref="IsCanonicalSpelling"/> allows: the page cache lets no
        /// other spelling through, so a page is kept under one path, and asking for its other spellings cannot grow it.
        /// </summary>
        public void Remember(string path, Key key, CachedResponse page) => ByPath.TryAdd(new(path, key.Hsts), page);
    }
}
