using System.Collections.Frozen;

namespace RelapseSite.Content;

/// <summary>
/// Every page the site serves, at one moment. Built off to the side and swapped in whole, so a request sees either
/// the old set or the new set, never half of each.
/// </summary>
public sealed class ContentSnapshot
{
    public static readonly ContentSnapshot Empty = new([], [], [], 0);

    public ContentSnapshot(IEnumerable<ContentPage> pages, IReadOnlyList<ContentError> errors, IReadOnlyList<ContentError> warnings, long version)
    {
        var all = pages.ToList();
        Guide = [.. all.Where(p => p.Kind == PageKind.Guide).OrderBy(p => p.Order).ThenBy(p => p.SourceFile, StringComparer.Ordinal)];
        Standalone = all.Where(p => p.Kind == PageKind.Standalone).ToFrozenDictionary(p => p.Slug, StringComparer.Ordinal);
        GuideBySlug = Guide.ToFrozenDictionary(p => p.Slug, StringComparer.Ordinal);
        Errors = errors;
        Warnings = warnings;
        Version = version;
    }

    /// <summary>Guide sections in reading order.</summary>
    public IReadOnlyList<ContentPage> Guide { get; }

    public FrozenDictionary<string, ContentPage> GuideBySlug { get; }

    public FrozenDictionary<string, ContentPage> Standalone { get; }

    /// <summary>Problems that kept a file from being served (its last good version, if any, is served instead).</summary>
    public IReadOnlyList<ContentError> Errors { get; }

    /// <summary>Problems in files that are served anyway, neutralised: an unsafe link, a link to a page that does not exist.</summary>
    public IReadOnlyList<ContentError> Warnings { get; }

    /// <summary>Goes up by one on every reload; caches key on it.</summary>
    public long Version { get; }

    public int PageCount => Guide.Count + Standalone.Count;

    /// <summary>The newest review date across the guide, for the home page and the sitemap.</summary>
    public DateOnly? LastReviewed => Guide.Max(p => p.LastReviewed);

    /// <summary>
    /// The page in <paramref name="pages"/> (<see cref="GuideBySlug"/> or <see cref="Standalone"/>) with this slug, as
    /// typed in any case: slugs are lower-case, and an address typed from a leaflet or a text message may not be.
    /// </summary>
    public static ContentPage? Find(IReadOnlyDictionary<string, ContentPage> pages, string slug) =>
        pages.TryGetValue(slug, out var page) || pages.TryGetValue(slug.ToLowerInvariant(), out page) ? page : null;

    public IEnumerable<ContentPage> AllPages => Guide.Concat(Standalone.Values.OrderBy(p => p.Slug, StringComparer.Ordinal));
}
