using Microsoft.Extensions.Options;
using RelapseSite.Web;
using Serilog;

// Start-up failures are logged too, before configuration is read.
Log.Logger = SiteLogging.CreateBootstrapLogger();

try
{
    // "check-content", "outbox requeue" and friends run against the same configuration, then exit.
    var (command, hostArgs) = SiteCommands.Split(args);

    var builder = WebApplication.CreateBuilder(hostArgs);
    builder.AddSite();

    var app = builder.Build();
    if (command is not null)
    {
        return await command(app);
    }

    // Every setting is checked before anything starts, so a misconfigured site names its wrong keys together (the
    // framework stops at the first value of the wrong kind, such as a word where a number goes).
    app.Services.GetRequiredService<IStartupValidator>().Validate();
    app.UseSite();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    StartupFailure.Log(ex);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
