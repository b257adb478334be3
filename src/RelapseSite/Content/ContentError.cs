namespace RelapseSite.Content;

/// <summary>One problem in one file, worded for the staff member who wrote it.</summary>
/// <param name="File">Path relative to the content folder, with forward slashes.</param>
/// <param name="Line">1-based line number; 1 when the problem is the whole file.</param>
public sealed record ContentError(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}
