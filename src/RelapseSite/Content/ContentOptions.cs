using System.ComponentModel.DataAnnotations;

namespace RelapseSite.Content;

/// <summary>Where the Markdown lives. Bound from the <c>Content</c> section.</summary>
public sealed class ContentOptions
{
    public const string Section = "Content";

    /// <summary>
    /// The content folder. Empty means "find it": <c>./content</c> beside the app (a published app or a
    /// container), else the repository's <c>content/</c> two levels up (<c>dotnet run --project src/RelapseSite</c>).
    /// A relative path is taken from the app's content root.
    /// </summary>
    public string? Root { get; set; }

    /// <summary>How long to wait after the last file event before reloading, so a half-saved file is not read.</summary>
    [Range(0, 5000, ErrorMessage = "Content:ReloadDelayMilliseconds must be between 0 and 5000.")]
    public int ReloadDelayMilliseconds { get; set; } = 150;

    /// <summary>
    /// Where a copy of each page's last good version is kept, so a page whose file is broken survives a restart.
    /// Empty means <c>App_Data/content-last-good</c>, beside the outbox; a relative path is taken from the app's folder.
    /// </summary>
    public string? LastGoodPath { get; set; }

    public string ResolveLastGood(string contentRootPath) =>
        Path.GetFullPath(Path.Combine(contentRootPath, string.IsNullOrWhiteSpace(LastGoodPath) ? "App_Data/content-last-good" : LastGoodPath));

    /// <summary>What the operator reads when <paramref name="root"/> cannot serve the site, and why (<see cref="ContentLoader.Unservable"/>).</summary>
    public static string NoContentAt(string root, string reason) =>
        $"Content:Root: the content folder '{root}' cannot be served: {reason}.";

    /// <summary>Resolves <see cref="Root"/> to a full path. Returns the first candidate when none exists, so errors can name it.</summary>
    public string ResolveRoot(string contentRootPath)
    {
        if (!string.IsNullOrWhiteSpace(Root))
        {
            return Path.GetFullPath(Path.Combine(contentRootPath, Root));
        }

        string[] candidates =
        [
            Path.Combine(contentRootPath, "content"),
            Path.Combine(contentRootPath, "..", "..", "content"),
        ];
        var found = candidates.FirstOrDefault(Directory.Exists) ?? candidates[0];
        return Path.GetFullPath(found);
    }
}
