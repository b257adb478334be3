using Microsoft.AspNetCore.DataProtection;

namespace RelapseSite.Web;

/// <summary>
/// The Data Protection key ring protects antiforgery tokens and the outbox's encrypted inquiries. It must survive a
/// restart (a form rendered before it can still be posted; queued inquiries stay readable), so it lives in
/// <c>DataProtection:KeysPath</c> (default <c>App_Data/keys</c> under the app folder), never in a home folder.
/// </summary>
public static class DataProtectionSetup
{
    public const string Section = "DataProtection";

    public static WebApplicationBuilder AddSiteDataProtection(this WebApplicationBuilder builder)
    {
        var keysPath = ResolvePath(builder, builder.Configuration[$"{Section}:KeysPath"], "App_Data/keys");
        Directory.CreateDirectory(keysPath);

        builder.Services.AddDataProtection()
            .SetApplicationName("RelapseSite")
            .PersistKeysToFileSystem(new DirectoryInfo(keysPath));
        return builder;
    }

    /// <summary>A configured path, or the default, taken from the app's content root when relative.</summary>
    public static string ResolvePath(WebApplicationBuilder builder, string? configured, string fallback) =>
        Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, string.IsNullOrWhiteSpace(configured) ? fallback : configured));
}
