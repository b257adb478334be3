using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace RelapseSite.Web;

/// <summary>
/// The Data Protection key ring protects antiforgery tokens and the outbox's encrypted inquiries. It must survive a
/// restart (a form rendered before it can still be posted; queued inquiries stay readable), so it lives in
/// <c>DataProtection:KeysPath</c> (default <c>App_Data/keys</c> under the app folder), never in a home folder.
/// With <c>DataProtection:CertificatePath</c> set, each key is encrypted with that certificate before it is written.
/// </summary>
public static class DataProtectionSetup
{
    public const string Section = KeyRingOptions.Section;

    public static WebApplicationBuilder AddSiteDataProtection(this WebApplicationBuilder builder)
    {
        var contentRoot = builder.Environment.ContentRootPath;
        var settings = builder.Configuration.GetSection(Section).Get<KeyRingOptions>() ?? new();
        var certificate = KeyRingCertificate.Load(settings.ResolveCertificatePath(contentRoot), settings.CertificatePassword);

        builder.Services.AddSingleton(certificate);
        builder.Services.AddOptions<KeyRingOptions>().BindConfiguration(Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KeyRingOptions>, KeyRingOptionsValidator>();

        // Commands (check-content, outbox requeue) build the app without starting it, so start-up validation never
        // runs for them. Reading the validated settings before the key ring is first used makes them fail closed too:
        // a command never writes an unencrypted key because the certificate failed to load.
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IOptions<KeyRingOptions>>((_, ring) => ThrowIfInvalid(ring));

        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("RelapseSite")
            .PersistKeysToFileSystem(new DirectoryInfo(settings.ResolveKeysPath(contentRoot)));
        if (certificate.Certificate is not null)
        {
            dataProtection.ProtectKeysWithCertificate(certificate.Certificate);
        }

        return builder;
    }

    /// <summary>Reading <see cref="IOptions{TOptions}.Value"/> runs the validators and throws, naming the key, on a failure.</summary>
    private static void ThrowIfInvalid(IOptions<KeyRingOptions> ring) => _ = ring.Value;
}
