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

    // Unknown keys are errors, not silently ignored: a typo such as "tittle" must be reported, not lost.
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithTypeConverter(new DateOnlyYamlConverter())
        .Build();

    /// <summary>Parses the YAML text. <paramref name="firstLine"/> is the file line where the YAML starts, so errors point at the file.</summary>
    public static (FrontMatter? Value, ContentError? Error) Parse(string yaml, string file, int firstLine)
    {
        try
        {
            var value = Deserializer.Deserialize<FrontMatter>(yaml) ?? new FrontMatter();
            return (value, null);
        }
        catch (YamlException ex)
        {
            var line = firstLine + (int)Math.Max(0, ex.Start.Line - 1);
            var message = Describe(ex);
            return (null, new ContentError(file, line, $"front matter: {message}"));
        }
    }

    private static string Describe(YamlException ex)
    {
        // YamlDotNet wraps the useful message (for example a bad date) in an inner exception.
        var inner = ex.InnerException?.Message;
        var message = inner ?? ex.Message;
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && marker > 0)
        {
            message = message[(marker + 3)..];
        }

        if (message.Contains("not found on type", StringComparison.Ordinal))
        {
            var fields = "title, description, order, slug, last_reviewed, reviewed_by";
            return $"unknown field ({message.Split('\'').ElementAtOrDefault(1) ?? "?"}); the allowed fields are {fields}";
        }

        return message;
    }

    private sealed class DateOnlyYamlConverter : IYamlTypeConverter
    {
        public bool Accepts(Type type) => type == typeof(DateOnly) || type == typeof(DateOnly?);

        public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
        {
            var scalar = parser.Consume<YamlDotNet.Core.Events.Scalar>();
            if (string.IsNullOrWhiteSpace(scalar.Value) && type == typeof(DateOnly?))
            {
                return null;
            }

            if (DateOnly.TryParseExact(scalar.Value, "yyyy-MM-dd", out var date))
            {
                return date;
            }

            throw new YamlException(scalar.Start, scalar.End, $"'{scalar.Value}' is not a date; write it as YYYY-MM-DD, for example 2026-11-26");
        }

        public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) =>
            throw new NotSupportedException();
    }
}
