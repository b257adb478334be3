namespace RelapseSite.Testing;

/// <summary>
/// Folders both test projects use: the repository checkout (its <c>content/</c>, its solution), and temporary folders
/// a test made. Compiled into each test project from this one file.
/// </summary>
internal static class TestFolders
{
    /// <summary>The folder holding RelapseSite.sln, found upwards from the test assembly.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Deletes a temporary folder; one still held open by a stopping host is left for the OS temp cleaner.</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a stopping host; the OS temp cleaner takes it later.
        }
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "RelapseSite.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("RelapseSite.sln not found above " + AppContext.BaseDirectory);
    }
}
