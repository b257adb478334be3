using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace RelapseSite.Web;

/// <summary>
/// Says in one log line why the site did not start. Wrong settings are listed together, in plain words and without a
/// stack trace: the operator needs the key and the value, not the frames of the binder that found them. Anything else
/// is a fault, and keeps its stack trace for whoever reports it.
/// </summary>
public static partial class StartupFailure
{
    public static void Log(Exception exception)
    {
        var settings = SettingProblems(exception);
        if (settings.Count > 0)
        {
            Serilog.Log.Fatal("The site could not start. Fix these settings: {Problems}", string.Join(" ", settings));
        }
        else
        {
            Serilog.Log.Fatal(exception, "The site could not start");
        }
    }

    /// <summary>One sentence per wrong setting; empty if any part of the failure is not about a setting.</summary>
    internal static IReadOnlyList<string> SettingProblems(Exception exception)
    {
        var parts = exception is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [exception];
        var problems = new List<string>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case OptionsValidationException invalid:
                    problems.AddRange(invalid.Failures.Select(Plain));
                    break;
                case SettingException setting:
                    problems.Add(setting.Message);
                    break;
                case InvalidOperationException when NotConvertible().Match(part.Message) is { Success: true } match
                    && part.StackTrace?.Contains(typeof(ConfigurationBinder).FullName!, StringComparison.Ordinal) == true:
                    problems.Add($"{match.Groups["key"].Value}: '{match.Groups["value"].Value}' is not {Expected(match.Groups["type"].Value)}.");
                    break;
                default:
                    return [];
            }
        }

        return problems;
    }

    /// <summary>
    /// The framework wraps each data-annotation message as "DataAnnotation validation failed for 'X' members: 'Y'
    /// with the error: '…'."; the site's own messages inside already name the key.
    /// </summary>
    private static string Plain(string failure) =>
        AnnotationFailure().Match(failure) is { Success: true } match ? match.Groups["message"].Value : failure;

    private static string Expected(string type) => type switch
    {
        "System.Int32" or "System.Int64" => "a whole number",
        "System.Double" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        _ => $"a valid {type[(type.LastIndexOf('.') + 1)..]}",
    };

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>.*)' to type '(?<type>[^']*)'\.", RegexOptions.Singleline)]
    private static partial Regex NotConvertible();

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '[^']*' with the error: '(?<message>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex AnnotationFailure();
}
