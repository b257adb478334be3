using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace RelapseSite.Content;

/// <summary>
/// The front-matter mistakes staff make, found and worded for them: some before YAML reads the text (a ' #' that
/// silently cuts a value short is not a YAML error at all), the rest translated from YAML's own errors, whose words
/// ("found invalid mapping") mean nothing to someone editing a page.
/// </summary>
internal static partial class FrontMatterMistakes
{
    /// <summary>
    /// Characters that mean something to YAML at the start of a value, so such a value must be quoted. Not '>' or '|':
    /// alone on the line they begin a value written over the indented lines below it, which is correct.
    /// </summary>
    private const string SpecialStarts = "*&@`!%[{";

    /// <summary>The fields whose value is text: a ' #' in them is more likely part of the text than a note.</summary>
    private static readonly string[] TextFields = ["title", "description", "reviewed_by"];

    /// <summary>Every field the front matter may have, in the order the staff guide lists them.</summary>
    private static readonly string[] Fields = ["title", "description", "order", "slug", "last_reviewed", "reviewed_by"];

    /// <summary>Every top-level "key: value" line, with its 0-based index in the YAML text.</summary>
    public static List<KeyLine> KeyLines(string yaml)
    {
        var lines = yaml.Split('\n');
        var keys = new List<KeyLine>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (KeyLinePattern().Match(lines[i].TrimEnd('\r')) is { Success: true } match)
            {
                keys.Add(new KeyLine(i, match.Groups[1].Value, match.Groups[2].Value.Trim()));
            }
        }

        return keys;
    }

    public static (int Index, string Message)? FindUnquotedValue(string yaml, List<KeyLine> keys)
    {
        var lines = yaml.Split('\n');
        for (var k = 0; k < keys.Count; k++)
        {
            var (index, name, value) = keys[k];
            if (value.Length > 0 && value[0] == '\'' && ApostropheInSingleQuotes(name, value) is { } apostrophe)
            {
                return (index, apostrophe);
            }

            if (value.Length == 0 || value[0] is '"' or '\'')
            {
                continue;
            }

            // A note after a number or a date ("order: 10 # first") is plain YAML and harmless. In text, the words after
            // ' #' would silently go missing from the page.
            var example = Example(name, value);
            if (TextFields.Contains(name) &&
                (value[0] == '#' || value.Contains(" #", StringComparison.Ordinal) || value.Contains("\t#", StringComparison.Ordinal) ||
                 ContinuationHasNote(lines, index, k + 1 < keys.Count ? keys[k + 1].Index : lines.Length)))
            {
                return (index, $"'{name}' has ' #' in it: everything after ' #' is treated as a hidden note and left out. If the # is part of the text, put the whole value in double quotes, for example {example ?? "description: \"We are the #1 choice\""}; if it is a note, delete it");
            }

            if (SpecialStarts.Contains(value[0], StringComparison.Ordinal) || (value[0] is '>' or '|' && !BlockScalarHeader().IsMatch(value)))
            {
                return (index, $"'{name}' starts with '{value[0]}', so the whole value must be in double quotes, for example {example ?? $"{name}: \"{value[0]}...\""}");
            }

            if (value.Contains(": ", StringComparison.Ordinal) || value.EndsWith(':'))
            {
                return (index, $"'{name}' has ': ' in it; put the whole value in double quotes, for example {example ?? "title: \"Phase 1: A trigger\""}");
            }
        }

        return null;
    }

    /// <summary>
    /// A setting written so that YAML would blame another line: no space after the colon ("title:Warning signs"
    /// reads as part of the line above), or spaces or a tab before the name.
    /// </summary>
    public static (int Index, string Message)? FindMisshapenKeyLine(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var name = Fields.FirstOrDefault(f => line.TrimStart().StartsWith(f + ":", StringComparison.Ordinal));
            if (name is null)
            {
                continue;
            }

            if (line.Length > 0 && char.IsWhiteSpace(line[0]))
            {
                return (i, $"remove the spaces before '{name}': each setting starts at the beginning of its line");
            }

            var rest = line[(name.Length + 1)..];
            if (rest.Length > 0 && !char.IsWhiteSpace(rest[0]))
            {
                return (i, $"'{name}' needs a space after the colon, for example {name}: {OneLineExample(name)}");
            }
        }

        return null;
    }

    /// <summary>
    /// A space that looks like a normal one, or like nothing, but is not a space to YAML: the non-breaking space that
    /// Word, Outlook and web pages put after a colon (and a Mac types with Option+Space), the figure and narrow spaces,
    /// and the zero-width ones. A normal space and a tab are not among them.
    /// </summary>
    public static bool IsInvisibleSpace(char c) =>
        c is not (' ' or '\t' or '\r' or '\n') && (char.IsWhiteSpace(c) || c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF');

    private static string WithoutInvisibleSpaces(string text) => string.Concat(text.Where(c => !IsInvisibleSpace(c)));

    /// <summary>
    /// An invisible special space before a setting's name, in it, or straight after its colon. YAML then does not see a
    /// setting on that line at all: it read "title:&#xA0;Warning signs" as more of the line above and blamed that line,
    /// with advice about ': ' that did not apply. Further on in a value such a space is harmless in text, and a number or
    /// a date that has one is reported by its reader.
    /// </summary>
    public static (int Index, string Message)? FindInvisibleSpace(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var at = Array.FindIndex(line.ToCharArray(), IsInvisibleSpace);
            if (at < 0)
            {
                continue;
            }

            var visible = WithoutInvisibleSpaces(line);
            var name = Fields.FirstOrDefault(f => visible.StartsWith(f + ":", StringComparison.Ordinal));
            if (name is null)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);

            if (at == colon + 1)
            {
                return (i, $"there is an invisible special space after '{name}:'; delete it and type a normal space");
            }

            if (at < colon)
            {
                return line[..at].Any(char.IsLetterOrDigit)
                    ? (i, line[at..colon].Any(char.IsLetterOrDigit)
                        ? $"there is an invisible special space inside '{name}'; delete it"
                        : $"there is an invisible special space between '{name}' and the colon; delete it")
                    : (i, $"there is an invisible special space before '{name}'; delete it, so the line starts with {name}:");
            }
        }

        return null;
    }

    /// <summary>The reader's complaint about a number or a date that has an invisible special space in it; null when it has none.</summary>
    public static string? InvisibleSpaceBeside(string value) =>
        value.Any(IsInvisibleSpace)
            ? $"has an invisible special space beside '{WithoutInvisibleSpaces(value).Trim()}'; delete it"
            : null;

    /// <summary>
    /// The line where page text starts inside what was read as front matter, when the settings come before it and none
    /// after it: the closing '---' was deleted, and a '---' divider further down the text closed the front matter
    /// instead. YAML blamed the last correct setting with "while parsing a block mapping". Null when there is no such line.
    /// </summary>
    /// <returns>The page text's index, the index of the last setting's name above it, and of the last line with anything on it above it.</returns>
    public static (int Index, int LastKey, int LastFilled)? FindPageText(string yaml)
    {
        // Without its invisible spaces, so that a setting with one counts as a setting (and is reported as such).
        var lines = yaml.Split('\n').Select(l => WithoutInvisibleSpaces(l).TrimEnd()).ToArray();
        (int Index, int LastKey, int LastFilled)? found = null;
        int? lastKey = null;
        var lastFilled = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            if (Fields.Any(f => line.StartsWith(f + ":", StringComparison.Ordinal)))
            {
                // A setting below the odd line: a stray line among the settings, not the page's text.
                if (found is not null)
                {
                    return null;
                }

                lastKey = i;
            }
            else if (found is null && lastKey is { } key && IsPageText(line, lines[i - 1]))
            {
                found = (i, key, lastFilled);
            }

            // A '#' line there is more likely a heading of the text ("## Phase 1") than a note among the settings.
            if (found is null && line[0] != '#')
            {
                lastFilled = i;
            }
        }

        return found;
    }

    /// <summary>A line YAML cannot take for a setting or part of one: not indented, not a note (#), not "name: value".</summary>
    private static bool IsPageText(string line, string previous) =>
        !char.IsWhiteSpace(line[0]) && line[0] != '#' && !KeyLinePattern().IsMatch(line) &&
        // Right under a setting, "- a" lines are that setting's list (a mistake reported as such); after a blank line
        // they are a list in the text.
        (line[0] != '-' || previous.Length == 0);

    public static string Unclosed(int openingLine, int lastSettingLine) =>
        $"the front matter starts with '---' on line {openingLine} but probably has no closing '---' line: this line looks like page text, not a setting; add a '---' line after the last setting (line {lastSettingLine})";

    /// <summary>
    /// A tab that YAML rejects ("found a tab character that violate indentation"), on a line that looks empty or at the
    /// start of a line of text. YAML names the setting above it, or the first line; the tab is on the first such line
    /// from where YAML stopped. Null when the error is not about a tab.
    /// </summary>
    public static (int Index, string Message)? FindTab(YamlException ex, string yaml, int errorIndex)
    {
        if (!Clean(ex.InnerException?.Message ?? ex.Message).Contains(" tab ", StringComparison.Ordinal))
        {
            return null;
        }

        var lines = yaml.Split('\n');
        for (var i = Math.Max(0, errorIndex); i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var text = line.TrimStart(' ', '\t');
            if (line[..^text.Length].Contains('\t', StringComparison.Ordinal))
            {
                return (i, text.Length == 0
                    ? "this line looks empty but has a tab on it; delete the tab"
                    : "this line starts with a tab; use spaces instead of the tab");
            }
        }

        return null;
    }

    /// <summary>
    /// A single-quoted value ended early by an apostrophe in it ('Don't panic'): YAML then finds text after the closing
    /// quote and says only "did not find expected key". Null when the quotes are right, or the value goes on over the
    /// lines below (no closing quote on this line).
    /// </summary>
    private static string? ApostropheInSingleQuotes(string name, string value)
    {
        var close = 1;
        while (close < value.Length)
        {
            if (value[close] == '\'')
            {
                // '' is YAML's way to write an apostrophe inside single quotes.
                if (close + 1 < value.Length && value[close + 1] == '\'')
                {
                    close += 2;
                    continue;
                }

                break;
            }

            close++;
        }

        var after = close < value.Length ? value[(close + 1)..].TrimStart() : string.Empty;
        if (after.Length == 0 || after[0] == '#')
        {
            return null;
        }

        var text = value.EndsWith('\'') ? value[1..^1] : !after.Contains('\'', StringComparison.Ordinal) ? value[1..] : null;
        var example = text is null ? null : Example(name, text.Replace("''", "'", StringComparison.Ordinal));
        return $"'{name}' has an apostrophe (') inside single quotes, which ends the value too early; put the value in double quotes instead{(example is null ? string.Empty : $", for example {example}")}";
    }

    /// <summary>True when an unquoted value goes on over indented lines and one of them has a ' #' (or starts with '#').</summary>
    private static bool ContinuationHasNote(string[] lines, int keyIndex, int nextKeyIndex)
    {
        for (var i = keyIndex + 1; i < nextKeyIndex; i++)
        {
            var text = lines[i].TrimEnd('\r');
            if (text.Length > 0 && char.IsWhiteSpace(text[0]) && text.TrimStart() is { Length: > 0 } rest &&
                (rest[0] == '#' || rest.Contains(" #", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The staff member's own line, quoted, when that is simple to show; null otherwise.</summary>
    private static string? Example(string name, string value) =>
        value.Contains('"', StringComparison.Ordinal) || value.Length > 60 ? null : $"{name}: \"{value}\"";

    public static string Describe(YamlException ex, string? key)
    {
        var field = key is null ? "a setting" : $"'{key}'";
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is FrontMatter.FieldException)
            {
                return $"{field} {e.Message}";
            }
        }

        // YamlDotNet wraps some useful messages in an inner exception.
        var message = Clean(ex.InnerException?.Message ?? ex.Message);
        if (message.Contains("not found on type", StringComparison.Ordinal))
        {
            return $"unknown field ({message.Split('\'').ElementAtOrDefault(1) ?? "?"}); the allowed fields are {string.Join(", ", Fields)}";
        }

        if (message.StartsWith("Encountered duplicate key", StringComparison.Ordinal))
        {
            return $"{field} is written twice; keep one";
        }

        if (message.Contains("invalid mapping", StringComparison.Ordinal))
        {
            return $"{field} has ': ' in it; put the whole value in double quotes, for example title: \"Phase 1: A trigger\"";
        }

        // A list ("- a" lines) or a group of settings under a key that takes one line of text.
        if (message.Contains("No node deserializer", StringComparison.Ordinal) ||
            message.Contains("Failed to create an instance", StringComparison.Ordinal) ||
            message.Contains("Operation is not valid", StringComparison.Ordinal) ||
            message.Contains("Block sequence entries", StringComparison.Ordinal) ||
            message.Contains("Expected 'Scalar'", StringComparison.Ordinal))
        {
            return key is null
                ? "each setting must be one line: the name, a colon, then the value, for example title: Warning signs of relapse"
                : $"{field} must be one line of text, for example {key}: {OneLineExample(key)}";
        }

        if (message.Contains("cannot start any token", StringComparison.Ordinal) ||
            message.Contains("block scalar", StringComparison.Ordinal) ||
            message.Contains("unresolved tag", StringComparison.Ordinal) ||
            message.Contains("cannot precede anchor", StringComparison.Ordinal))
        {
            return $"the value of {field} must be in double quotes, for example title: \"Phase 1: A trigger\"";
        }

        return key is null ? message : $"{field} could not be read ({message}); check the quotes, or put the whole value in double quotes";
    }

    /// <summary>The message without YamlDotNet's "(Line: 2, Col: 8, Idx: 9) - (...): " prefix or "(at Line: …)" suffix: the error already has its line.</summary>
    private static string Clean(string message) => AtLineSuffix().Replace(PositionPrefix().Replace(message, string.Empty), string.Empty).Trim();

    private static string OneLineExample(string key) => key switch
    {
        "title" => "Warning signs of relapse",
        "description" => "Learn the early warning signs, so you can act sooner.",
        "order" => "35",
        "slug" => "warning-signs",
        "last_reviewed" => "2026-11-26",
        "reviewed_by" => "Clinical team",
        _ => "some text",
    };

    /// <summary>'>' or '|' alone (with YAML's optional -, + or indent digit, and maybe a note): the value follows on indented lines.</summary>
    [GeneratedRegex(@"^[>|][+-]?[0-9]?[+-]?\s*(#.*)?$")]
    private static partial Regex BlockScalarHeader();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+(.*))?$")]
    private static partial Regex KeyLinePattern();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    [GeneratedRegex(@"\s*\(at Line: \d+, Col: \d+[^)]*\)")]
    private static partial Regex AtLineSuffix();

    public sealed record KeyLine(int Index, string Name, string Value);
}
