using System.Collections.Frozen;

namespace RelapseSite.Content;

/// <summary>
/// The addresses of the site's own files (pictures, icons, the stylesheet) that a page may link to: exactly the ones
/// the site serves, so the content check passes a picture only if visitors will see it. The web layer builds it from
/// the build's list of static files.
/// </summary>
public sealed class SiteFiles(IEnumerable<string> paths)
{
    public static readonly SiteFiles None = new([]);

    private readonly FrozenSet<string> _paths = paths.Select(p => "/" + p.TrimStart('/')).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>True for a path such as "/images/lake.jpg" that the site serves.</summary>
    public bool Contains(string path) => _paths.Contains(path);
}
