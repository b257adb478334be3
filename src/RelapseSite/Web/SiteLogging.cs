using Microsoft.AspNetCore.Diagnostics;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace RelapseSite.Web;

/// <summary>
/// Serilog: readable lines for a developer, compact JSON lines on stdout everywhere else, levels from appsettings.
/// Nothing personal is ever logged: the contact path logs inquiry ids only, and URLs carry no personal data.
/// </summary>
public static class SiteLogging
{
    /// <summary>
    /// What the "Serilog" section may name: levels and enrichers, the console sink and the JSON formatter. Listed, not
    /// found by scanning every Serilog assembly on disk, which loads them all (1–6 MB more memory, measured).
    /// </summary>
    private static readonly ConfigurationReaderOptions ConfigurableAssemblies = new(
        typeof(Log).Assembly, typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(CompactJsonFormatter).Assembly);

    /// <summary>The logger whose level decides whether ASP.NET Core traces each request.</summary>
    public const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private const string ReadableTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static Serilog.Core.Logger CreateBootstrapLogger()
    {
        var configuration = new LoggerConfiguration().MinimumLevel.Information().Enrich.FromLogContext();
        return (IsDevelopment(Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"))
            ? configuration.WriteTo.Console(outputTemplate: ReadableTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            : configuration.WriteTo.Console(new CompactJsonFormatter())).CreateLogger();
    }

    public static WebApplicationBuilder AddSiteLogging(this WebApplicationBuilder builder)
    {
        CheckSettings(builder.Configuration);
        var development = builder.Environment.IsDevelopment();

        // preserveStaticLogger: each host (and each test host) gets its own pipeline; the static bootstrap logger stays as it is.
        builder.Services.AddSerilog(
            (services, logger) =>
            {
                // ASP.NET Core starts a trace activity and a logging scope for every request while its hosting
                // diagnostics logger is on at any level. Nothing here exports traces, and the request line already
                // carries the method, path, status, time and any exception, so that is 8% of a cached page's CPU
                // time for nothing (bench/README.md). Set ahead of the configuration, which can turn it back on.
                logger.MinimumLevel.Override(HostingDiagnostics, LevelAlias.Off);
                logger.ReadFrom.Configuration(builder.Configuration, ConfigurableAssemblies)
                    .ReadFrom.Services(services)
                    .Enrich.FromLogContext()
                    .Filter.ByExcluding(IsHostStartFailure);
                if (development)
                {
                    logger.WriteTo.Console(outputTemplate: ReadableTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
                }
                else
                {
                    // One background thread writes to stdout, so requests never queue on the console's lock. When its
                    // buffer is full, requests wait rather than lose log lines; 1,000 lines (not the default 10,000)
                    // is plenty of slack and keeps a backlog under sustained load from holding ~8 MB.
                    logger.WriteTo.Async(sink => sink.Console(new CompactJsonFormatter()), bufferSize: 1000, blockWhenFull: true);
                }
            },
            preserveStaticLogger: true);
        return builder;
    }

    /// <summary>One line per request: method, path (never the query), status and time. Health probes stay out.</summary>
    public static WebApplication UseSiteRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            // The host's logger, not the static bootstrap one (preserveStaticLogger), so request events honour the configured levels and sinks.
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // An error page re-executed for a failed request passes through here a second time. The first line
            // already has the address asked for and its status; a second, naming /error/404, would count every
            // miss twice and hide which link was broken. So the re-executed pass is logged at Verbose, below any
            // level the site writes, like the health probes.
            options.GetLevel = (context, _, exception) =>
                IsErrorPagePass(context) || context.Request.Path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase) ? LogEventLevel.Verbose
                : exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : LogEventLevel.Information;
        });
        return app;
    }

    /// <summary>
    /// The host's own "Hosting failed to start" line. Program logs the same failure once, in plain words (<see
    /// cref="StartupFailure"/>), so the operator is not handed the same stack trace twice.
    /// </summary>
    private static bool IsHostStartFailure(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("EventId", out var id) && id is StructureValue structure
        && structure.Properties.Any(p => p.Name == "Name" && p.Value is ScalarValue { Value: "HostedServiceStartupFaulted" });

    private static bool IsErrorPagePass(HttpContext context) =>
        context.Features.Get<IStatusCodeReExecuteFeature>() is not null || context.Features.Get<IExceptionHandlerFeature>() is not null;

    /// <summary>
    /// Refuses to start on a "Serilog" setting that would otherwise fail without naming its key (a misspelt level), or
    /// be dropped without a word (a sink this site does not include, such as File: the operator would think the log
    /// goes to a file while it goes nowhere).
    /// </summary>
    private static void CheckSettings(ConfigurationManager configuration)
    {
        var minimum = configuration.GetSection("Serilog:MinimumLevel");
        var levels = new[] { minimum, minimum.GetSection("Default") }.Concat(minimum.GetSection("Override").GetChildren());
        // A section that has children can still carry an empty value, depending on the source; that is not a setting.
        foreach (var level in levels.Where(l => !string.IsNullOrEmpty(l.Value)))
        {
            if (!Enum.TryParse<LogEventLevel>(level.Value, ignoreCase: true, out _) || int.TryParse(level.Value, out _))
            {
                throw new SettingException(
                    $"{level.Path}: '{level.Value}' is not a log level; use Verbose, Debug, Information, Warning, Error or Fatal.");
            }
        }

        foreach (var sink in configuration.GetSection("Serilog:WriteTo").GetChildren())
        {
            var (name, key) = string.IsNullOrEmpty(sink.Value) ? (sink["Name"], sink.Path + ":Name") : (sink.Value, sink.Path);
            if (!string.Equals(name, "Console", StringComparison.OrdinalIgnoreCase))
            {
                throw new SettingException(
                    $"{key}: '{name}' is not a log destination this site includes. It logs to standard output, for the host to collect; remove this setting.");
            }
        }
    }

    private static bool IsDevelopment(string? environment) =>
        string.Equals(environment, Environments.Development, StringComparison.OrdinalIgnoreCase);
}
