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

    app.UseSite();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "The site could not start");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
