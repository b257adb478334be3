namespace RelapseSite.Web;

/// <summary>
/// A setting the site cannot run with, found while the site is being put together. The message starts with the key
/// (<c>Serilog:WriteTo:0:Name: …</c>), so the operator knows what to change; <see cref="StartupFailure"/> logs it
/// as one plain line, without the stack trace a fault in the code would need.
/// </summary>
public sealed class SettingException(string message) : InvalidOperationException(message);
