using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace RelapseSite.Web;

/// <summary>Where the Data Protection key ring lives and, optionally, the certificate that encrypts it. Bound from <c>DataProtection</c>.</summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>The key folder; relative paths are taken from the app's folder. Every instance that serves the same site shares it.</summary>
    public string? KeysPath { get; set; }

    /// <summary>A PFX file whose RSA key encrypts each key before it is written. Empty: keys are written as plain XML.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX password. A secret: give it as the environment variable <c>DataProtection__CertificatePassword</c> or a user secret.</summary>
    public string? CertificatePassword { get; set; }

    public string ResolveKeysPath(string contentRootPath) => AppPaths.Resolve(contentRootPath, KeysPath, "App_Data/keys");

    /// <summary>Null when no certificate is configured: the key ring is then written as plain XML.</summary>
    public string? ResolveCertificatePath(string contentRootPath) =>
        string.IsNullOrWhiteSpace(CertificatePath) ? null : AppPaths.Resolve(contentRootPath, CertificatePath, CertificatePath);
}

/// <summary>
/// The key-ring certificate, loaded once while the app is built (the Data Protection API takes a loaded certificate),
/// with the reason it could not be loaded, if any. The start-up validator reports that reason, naming the key.
/// </summary>
public sealed record KeyRingCertificate(X509Certificate2? Certificate, string? Error)
{
    public static KeyRingCertificate Load(string? path, string? password)
    {
        if (path is null)
        {
            return new(null, null);
        }

        if (!File.Exists(path))
        {
            return new(null, $"{KeyRingOptions.Section}:CertificatePath: there is no certificate file at '{path}'.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException ex)
        {
            return new(null, $"{KeyRingOptions.Section}:CertificatePath: '{path}' could not be opened with the password in "
                + $"{KeyRingOptions.Section}__CertificatePassword ({ex.Message.TrimEnd('.')}).");
        }

        // The key ring is encrypted with EncryptedXml, which needs an RSA key, and decrypting it needs the private half.
        using var publicKey = certificate.GetRSAPublicKey();
        if (publicKey is null || !certificate.HasPrivateKey)
        {
            certificate.Dispose();
            return new(null, $"{KeyRingOptions.Section}:CertificatePath: '{path}' must hold an RSA certificate with its private key.");
        }

        return new(certificate, null);
    }
}

/// <summary>Fails start-up, naming the key, when the key folder cannot be written or the certificate cannot be used.</summary>
internal sealed class KeyRingOptionsValidator(IHostEnvironment environment, KeyRingCertificate certificate) : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        var failures = new List<string>();
        var keysPath = options.ResolveKeysPath(environment.ContentRootPath);
        try
        {
            // Write a file, not just create the folder: a read-only mount or a volume owned by another user passes the first test.
            Directory.CreateDirectory(keysPath);
            var probe = Path.Combine(keysPath, $".write-test-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failures.Add($"{KeyRingOptions.Section}:KeysPath: the key folder '{keysPath}' cannot be created or written ({ex.Message.TrimEnd('.')}).");
        }

        if (certificate.Error is not null)
        {
            failures.Add(certificate.Error);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
