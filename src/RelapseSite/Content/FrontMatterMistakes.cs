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
