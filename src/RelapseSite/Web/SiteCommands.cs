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
        if (args.Length == 0 || !Commands.TryGetValue(args[0], out var run))
        {
            return (null, args);
        }

        var commandArgs = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var hostArgs = args.Skip(1 + commandArgs.Length).ToArray();
        return (app => run(app, commandArgs), hostArgs);
    }
}
