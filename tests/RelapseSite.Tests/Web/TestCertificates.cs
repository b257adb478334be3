using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RelapseSite.Tests.Web;

/// <summary>Real PFX files, made on the spot, for the key-ring certificate settings.</summary>
public static class TestCertificates
{
    /// <summary>Writes a self-signed certificate with its private key to <paramref name="path"/>, protected by <paramref name="password"/>.</summary>
    public static string WritePfx(string path, string password, bool rsa = true)
    {
        var subject = new X500DistinguishedName("CN=RelapseSite key ring (test)");
        using var rsaKey = RSA.Create(2048);
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = rsa
            ? new CertificateRequest(subject, rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, ecKey, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }
}
