using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace RelapseSite.Content;

/// <summary>The YAML block at the top of each Markdown file. Field names are snake_case for staff.</summary>
public sealed partial class FrontMatter
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    public int? Order { get; set; }
    public string? Slug { get; set; }
    public DateOnly? LastReviewed { get; set; }
    public string? ReviewedBy { get; set; }

    // Unknown keys are errors, not silently ignored: a typo such as "tittle" must be reported, not lost. So is a key
    // written twice: YAML would quietly keep the last one, and the staff member may be editing the other.
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithDuplicateKeyChecking()
        .WithTypeConverter(new DateOnlyYamlConverter())
        .WithTypeConverter(new WholeNumberYamlConverter())
        .Build();

    /// <summary>
    /// Characters that mean something to YAML at the start of a value, so such a value must be quoted. Not '>' or '|':
    /// alone on the line they begin a value written over the indented lines below it, which is correct.
    /// </summary>
    private const string SpecialStarts = "*&@`!%[{";

    /// <summary>The fields whose value is text: a ' #' in them is more likely part of the text than a note.</summary>
    private static readonly string[] TextFields = ["title", "description", "reviewed_by"];

    private static readonly string[] Fields = ["title", "description", "order", "slug", "last_reviewed", "reviewed_by"];

    /// <summary>Parses the YAML text. <paramref name="firstLine"/> is the file line where the YAML starts, so errors point at the file.</summary>
    public static (FrontMatter? Value, ContentError? Error) Parse(string yaml, string file, int firstLine)
    {
        if (FindMisshapenKeyLine(yaml) is { } misshapen)
        {
            return (null, new ContentError(file, firstLine + misshapen.Index, $"front matter: {misshapen.Message}"));
        }

        var keys = KeyLines(yaml);

        // Checked before YAML reads the text: some mistakes are not YAML errors at all (a ' #' silently cuts the
        // value short), and for the others YAML's own words ("found invalid mapping") mean nothing to staff.
        if (FindUnquotedValue(yaml, keys) is { } found)
        {
            return (null, new ContentError(file, firstLine + found.Index, $"front matter: {found.Message}"));
        }

        try
        {
            var value = Deserializer.Deserialize<FrontMatter>(yaml) ?? new FrontMatter();
            return (value, null);
        }
        catch (YamlException ex)
        {
            // YAML often notices a problem on a later line than the one that caused it (a list under 'title:'), so
            // the line reported is that of the setting the problem belongs to: the closest key at or above it.
            var errorIndex = (int)Math.Max(0, ex.Start.Line - 1);
            var key = keys.LastOrDefault(k => k.Index <= errorIndex);
            var line = firstLine + (key?.Index ?? errorIndex);
            return (null, new ContentError(file, line, $"front matter: {Describe(ex, key?.Name)}"));
        }
    }

    /// <summary>Every top-level "key: value" line, with its 0-based index in the YAML text.</summary>
    private static List<KeyLine> KeyLines(string yaml)
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

    private static (int Index, string Message)? FindUnquotedValue(string yaml, List<KeyLine> keys)
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
    private static (int Index, string Message)? FindMisshapenKeyLine(string yaml)
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

    private static string Describe(YamlException ex, string? key)
    {
        var field = key is null ? "a setting" : $"'{key}'";
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is FieldException)
            {
                return $"{field} {e.Message}";
            }
        }

        // YamlDotNet wraps some useful messages in an inner exception.
        var message = Clean(ex.InnerException?.Message ?? ex.Message);
        if (message.Contains("not found on type", StringComparison.Ordinal))
        {
            var fields = "title, description, order, slug, last_reviewed, reviewed_by";
            return $"unknown field ({message.Split('\'').ElementAtOrDefault(1) ?? "?"}); the allowed fields are {fields}";
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

    private sealed record KeyLine(int Index, string Name, string Value);

    /// <summary>A problem with one field's value, worded for staff; the field's name is put in front of the message.</summary>
    private sealed class FieldException(Mark start, Mark end, string message) : YamlException(start, end, message);

    private sealed class DateOnlyYamlConverter : IYamlTypeConverter
    {
        public bool Accepts(Type type) => type == typeof(DateOnly) || type == typeof(DateOnly?);

        public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
        {
            var scalar = ConsumeScalar(parser, "must be a date written as YYYY-MM-DD, for example 2026-11-26");
            if (string.IsNullOrWhiteSpace(scalar.Value) && type == typeof(DateOnly?))
            {
                return null;
            }

            if (DateOnly.TryParseExact(scalar.Value, "yyyy-MM-dd", out var date))
            {
                return date;
            }

            throw new FieldException(scalar.Start, scalar.End, $"must be a date written as YYYY-MM-DD, for example 2026-11-26 ('{scalar.Value}' is not)");
        }

        public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) =>
            throw new NotSupportedException();
    }

    /// <summary>
    /// Reads whole numbers as plain decimal. YAML's own rules read "010" as octal 8 and reject "08" with a technical
    /// message; staff writing an order number mean ten and eight.
    /// </summary>
    private sealed class WholeNumberYamlConverter : IYamlTypeConverter
    {
        private const string Advice = "must be a whole number, for example 35";

        public bool Accepts(Type type) => type == typeof(int) || type == typeof(int?);

        public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
        {
            var scalar = ConsumeScalar(parser, Advice);
            if (string.IsNullOrWhiteSpace(scalar.Value) && type == typeof(int?))
            {
                return null;
            }

            if (int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            throw new FieldException(scalar.Start, scalar.End, $"{Advice} ('{scalar.Value}' is not)");
        }

        public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) =>
            throw new NotSupportedException();
    }

    /// <summary>The field's value, or a staff message when it is a list or a group of settings instead of one value.</summary>
    private static YamlDotNet.Core.Events.Scalar ConsumeScalar(IParser parser, string advice)
    {
        if (parser.TryConsume<YamlDotNet.Core.Events.Scalar>(out var scalar))
        {
            return scalar;
        }

        var at = parser.Current;
        throw new FieldException(at?.Start ?? Mark.Empty, at?.End ?? Mark.Empty, advice);
    }
}
