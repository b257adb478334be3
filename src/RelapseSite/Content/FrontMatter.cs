using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace RelapseSite.Content;

/// <summary>The YAML block at the top of each Markdown file. Field names are snake_case for staff.</summary>
public sealed class FrontMatter
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

    /// <summary>Parses the YAML text. <paramref name="firstLine"/> is the file line where the YAML starts, so errors point at the file.</summary>
    public static (FrontMatter? Value, ContentError? Error) Parse(string yaml, string file, int firstLine)
    {
        // With its closing '---' deleted, the front matter runs on into the page text, down to a '---' divider. The
        // checks below look only at the settings above that text: a line of text is no setting to find mistakes in.
        var pageText = FrontMatterMistakes.FindPageText(yaml);
        var settings = pageText is { } text ? string.Join('\n', yaml.Split('\n')[..text.Index]) : yaml;

        // Checked before YAML reads the text: some mistakes are not YAML errors at all (a ' #' silently cuts the
        // value short), and for the others YAML's own words ("found invalid mapping") mean nothing to staff, or name
        // another line.
        if ((FrontMatterMistakes.FindInvisibleSpace(settings) ?? FrontMatterMistakes.FindMisshapenKeyLine(settings)) is { } misshapen)
        {
            return (null, new ContentError(file, firstLine + misshapen.Index, $"front matter: {misshapen.Message}"));
        }

        // The settings' key lines are the whole text's unless page text was cut off: then only those above it.
        var keys = FrontMatterMistakes.KeyLines(yaml);
        var settingKeys = pageText is null ? keys : FrontMatterMistakes.KeyLines(settings);
        if (FrontMatterMistakes.FindUnquotedValue(settings, settingKeys) is { } found)
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
            var errorIndex = (int)Math.Max(0, ex.Start.Line - 1);

            // Only when YAML stopped at or below the last setting: an error further up is that setting's own.
            if (pageText is { } unclosed && errorIndex >= unclosed.LastKey)
            {
                return (null, new ContentError(file, firstLine + unclosed.Index, FrontMatterMistakes.Unclosed(firstLine - 1, firstLine + unclosed.LastFilled)));
            }

            if (FrontMatterMistakes.FindTab(ex, yaml, errorIndex) is { } tab)
            {
                return (null, new ContentError(file, firstLine + tab.Index, $"front matter: {tab.Message}"));
            }

            // YAML often notices a problem on a later line than the one that caused it (a list under 'title:'), so
            // the line reported is that of the setting the problem belongs to: the closest key at or above it.
            var key = keys.LastOrDefault(k => k.Index <= errorIndex);
            var line = firstLine + (key?.Index ?? errorIndex);
            return (null, new ContentError(file, line, $"front matter: {FrontMatterMistakes.Describe(ex, key?.Name)}"));
        }
    }

    /// <summary>A problem with one field's value, worded for staff; the field's name is put in front of the message.</summary>
    internal sealed class FieldException(Mark start, Mark end, string message) : YamlException(start, end, message);

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

            throw new FieldException(scalar.Start, scalar.End,
                FrontMatterMistakes.InvisibleSpaceBeside(scalar.Value) ?? $"must be a date written as YYYY-MM-DD, for example 2026-11-26 ('{scalar.Value}' is not)");
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

            throw new FieldException(scalar.Start, scalar.End, FrontMatterMistakes.InvisibleSpaceBeside(scalar.Value) ?? $"{Advice} ('{scalar.Value}' is not)");
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
