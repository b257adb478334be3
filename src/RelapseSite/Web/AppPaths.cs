namespace RelapseSite.Web;

/// <summary>Folders and files named in settings (key ring, outbox, mail pickup): relative ones are taken from the app's folder.</summary>
public static class AppPaths
{
    /// <summary>The configured path, or <paramref name="fallback"/> when none is set, as a full path under the content root.</summary>
    public static string Resolve(string contentRootPath, string? configured, string fallback) =>
        Path.GetFullPath(Path.Combine(contentRootPath, string.IsNullOrWhiteSpace(configured) ? fallback : configured));
}
