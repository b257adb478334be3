using System.Text.RegularExpressions;

namespace RelapseSite.Tests.Content;

/// <summary>
/// The published content itself: plain language (Flesch-Kincaid grade 8 at most, as the AMA advises for patient
/// material) and person-first words. Runs on the real <c>content/</c> folder, so a staff edit that drifts is caught.
/// </summary>
public sealed partial class WritingStyleTests
{
    public static TheoryData<string> PublishedFiles() => new(
        Directory.EnumerateFiles(Path.Combine(TestFolders.RepositoryRoot, "content"), "*.md", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "README.md")
            .Select(f => Path.GetRelativePath(Path.Combine(TestFolders.RepositoryRoot, "content"), f).Replace('\\', '/'))
            .Order());

    [Theory]
    [MemberData(nameof(PublishedFiles))]
    public void Every_page_reads_at_grade_8_or_below(string file)
    {
        var text = ProseOf(File.ReadAllText(Path.Combine(TestFolders.RepositoryRoot, "content", file)));

        var grade = FleschKincaidGrade(text);

        Assert.True(grade <= 8.0, $"{file} reads at grade {grade:0.0}; shorten sentences or use shorter words");
    }

    [Theory]
    [MemberData(nameof(PublishedFiles))]
    public void Every_page_uses_person_first_words(string file)
    {
        var text = ProseOf(File.ReadAllText(Path.Combine(TestFolders.RepositoryRoot, "content", file)));

        var found = StigmaWords().Matches(text).Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        Assert.True(found.Count == 0, $"{file} uses: {string.Join(", ", found)}. Prefer 'person with a substance use disorder', 'in recovery', 'substance use'.");
    }

    [Fact]
    public void The_grade_formula_tells_plain_from_dense_text()
    {
        var plain = "You can come back from this. Call us. We will help you.";
        var dense = "Pharmacological interventions notwithstanding, multidisciplinary rehabilitation necessitates comprehensive individualized assessment.";

        Assert.True(FleschKincaidGrade(plain) < 4);
        Assert.True(FleschKincaidGrade(dense) > 12);
    }

    /// <summary>The words a reader reads: no front matter, no link addresses, no Markdown marks. Headings and list items count as sentences.</summary>
    private static string ProseOf(string markdown)
    {
        var body = FrontMatter().Replace(markdown, string.Empty);
        body = LinkAddress().Replace(body, "$1");
        var lines = body.Split('\n').Select(line =>
        {
            var trimmed = line.Trim();
            var standalone = trimmed.StartsWith('#') || ListMark().IsMatch(trimmed);
            trimmed = ListMark().Replace(trimmed.TrimStart('#', ' '), string.Empty).Replace("*", string.Empty, StringComparison.Ordinal);
            return standalone && trimmed.Length > 0 && !".!?:".Contains(trimmed[^1], StringComparison.Ordinal) ? trimmed + "." : trimmed;
        });
        return string.Join('\n', lines);
    }

    private static double FleschKincaidGrade(string text)
    {
        var sentences = Math.Max(1, SentenceEnd().Split(text).Count(s => s.Any(char.IsLetterOrDigit)));
        var words = Word().Matches(text).Select(m => m.Value).ToList();
        var syllables = words.Sum(Syllables);
        return (0.39 * words.Count / sentences) + (11.8 * syllables / words.Count) - 15.59;
    }

    private static int Syllables(string word)
    {
        var letters = new string(word.ToLowerInvariant().Where(char.IsAsciiLetterLower).ToArray());
        var count = VowelGroup().Count(letters);
        if (letters.EndsWith('e') && !letters.EndsWith("le", StringComparison.Ordinal) && !letters.EndsWith("ee", StringComparison.Ordinal) && count > 1)
        {
            count--;
        }

        return Math.Max(1, count);
    }

    [GeneratedRegex(@"\A---\n[\s\S]*?\n---\n")]
    private static partial Regex FrontMatter();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkAddress();

    [GeneratedRegex(@"^([-*+]|\d+\.)\s+")]
    private static partial Regex ListMark();

    [GeneratedRegex(@"[.!?:]+(?:\s|$)")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"[A-Za-z0-9][A-Za-z0-9'’\-–%]*")]
    private static partial Regex Word();

    [GeneratedRegex("[aeiouy]+")]
    private static partial Regex VowelGroup();

    [GeneratedRegex(@"\b(addicts?|addicted|junkies?|junkie|abusers?|substance abuse|drug abuse|clean and sober|stay(?:ing)? clean|dirty)\b", RegexOptions.IgnoreCase)]
    private static partial Regex StigmaWords();
}
