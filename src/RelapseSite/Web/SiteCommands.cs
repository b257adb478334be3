using RelapseSite.Contact;
using RelapseSite.Content;

namespace RelapseSite.Web;

/// <summary>
/// Maintenance commands that run with the site's own configuration and then exit, instead of serving:
/// <c>dotnet RelapseSite.dll check-content [folder]</c>, for example.
/// </summary>
public static class SiteCommands
{
    private static readonly Dictionary<string, Func<WebApplication, string[], Task<int>>> Commands = new(StringComparer.Ordinal)
    {
        ["check-content"] = (app, args) => Task.FromResult(ContentCheckCommand.Run(app, args, Console.Out)),
        ["health-probe"] = (app, args) => HealthProbe.RunAsync(app.Configuration, args, Console.Out),
        ["outbox"] = (app, args) => OutboxCommand.RunAsync(app.Services, args, Console.Out),
    };

    /// <summary>
    /// Splits the command line into a command (if the first word names one) and the arguments the host should see.
    /// The command's own arguments are kept away from the host, so a folder path is not mistaken for a setting.
    /// </summary>
    public static (Func<WebApplication, Task<int>>? Command, string[] HostArgs) Split(string[] args)
    {
        if (args.Length == 0)
        {
            return (null, args);
        }

        if (!Commands.TryGetValue(args[0], out var run))
        {
            // The host takes settings as "--key value" or "key=value". A bare word is a command, misspelt: without this
            // "check_content" would start the web server (or fail on a port the live site holds) instead of checking.
            return IsSetting(args[0]) ? (null, args) : (_ => Unknown(args[0]), []);
        }

        var commandArgs = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var hostArgs = args.Skip(1 + commandArgs.Length).ToArray();
        return (app => run(app, commandArgs), hostArgs);
    }

    /// <summary>A setting for the host, or nothing at all: an empty argument is what an unset variable in a unit file or a container's command line leaves.</summary>
    private static bool IsSetting(string arg) =>
        string.IsNullOrWhiteSpace(arg) || arg.StartsWith('-') || arg.StartsWith('/') || arg.Contains('=', StringComparison.Ordinal);

    private static Task<int> Unknown(string word)
    {
        Console.Out.WriteLine($"Unknown command '{word}'. The commands are: {string.Join(", ", Commands.Keys)}. With none, the site starts.");
        return Task.FromResult(2);
    }
}
