namespace RelapseSite.Web;

/// <summary>Folders and files named in settings (key ring, outbox, mail pickup): relative ones are taken from the app's folder.</summary>
public static class AppPaths
{
    /// <summary>The configured path, or <paramref name="fallback"/> when none is set, as a full path under the content root.</summary>
    public static string Resolve(string contentRootPath, string? configured, string fallback) =>
        Path.GetFullPath(Path.Combine(contentRootPath, string.IsNullOrWhiteSpace(configured) ? fallback : configured));

    /// <summary>
    /// Null when the app can create files in <paramref name="folder"/> (after creating the folder, if it is missing);
    /// otherwise why not, for a start-up message. A missing folder is not created here, so a command run with the wrong setting
    /// leaves nothing behind: the test file goes in the nearest folder that exists, where the missing ones would be
    /// made. A file is written and deleted, not just the folder looked at: a read-only mount or a volume owned by
    /// another user passes a look.
    /// </summary>
    public static string? CannotWriteIn(string folder)
    {
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                return $"'{existing}' is a file, not a folder";
            }

            existing = Path.GetDirectoryName(existing);
            if (existing is null)
            {
                return "no part of the path exists";
            }
        }

        try
        {
            var probe = Path.Combine(existing, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message.TrimEnd('.');
        }
    }
}
