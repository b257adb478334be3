using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RelapseSite.Tests.Web;

/// <summary>
/// The key ring outlives the process: what one run of the site protects, the next run (or another instance) with
/// the same <c>DataProtection:KeysPath</c> can read. Each "restart" is a second, separate host on the same key folder.
/// </summary>
public sealed class KeyRingTests : IDisposable
{
    private readonly DirectoryInfo _shared = Directory.CreateTempSubdirectory("relapsesite-keys-");

    [Fact]
    public void Data_protected_before_a_restart_is_readable_after_it()
    {
        string token;
        using (var before = Site())
        {
            token = Protector(before).Protect("inquiry 42");
        }

        using var after = Site();
        using var elsewhere = Site(keysPath: Path.Combine(_shared.FullName, "other-keys"));

        Assert.Equal("inquiry 42", Protector(after).Unprotect(token));
        Assert.ThrowsAny<CryptographicException>(() => Protector(elsewhere).Unprotect(token));
    }

    [Fact]
    public async Task An_antiforgery_token_issued_before_a_restart_is_accepted_after_it()
    {
        AntiforgeryTokenSet tokens;
        using (var before = Site())
        {
            tokens = before.Services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(new DefaultHttpContext { RequestServices = before.Services });
        }

        using var after = Site();
        using var elsewhere = Site(keysPath: Path.Combine(_shared.FullName, "other-keys"));

        Assert.True(await IsValidPost(after, tokens));
        Assert.False(await IsValidPost(elsewhere, tokens));
    }

    [Fact]
    public void With_a_certificate_keys_are_encrypted_on_disk_and_still_readable_after_a_restart()
    {
        var pfx = TestCertificates.WritePfx(Path.Combine(_shared.FullName, "ring.pfx"), "s3cret");
        string token;
        using (var before = Site(certificate: pfx))
        {
            token = Protector(before).Protect("inquiry 42");
        }

        var keyFile = File.ReadAllText(Assert.Single(Directory.GetFiles(KeysPath, "key-*.xml")));
        using var after = Site(certificate: pfx);
        using var withoutCertificate = Site();

        Assert.Contains("<EncryptedData", keyFile, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", keyFile, StringComparison.Ordinal);
        Assert.Equal("inquiry 42", Protector(after).Unprotect(token));
        Assert.ThrowsAny<CryptographicException>(() => Protector(withoutCertificate).Unprotect(token));
    }

    [Fact]
    public void Without_a_certificate_keys_are_plain_files_in_the_key_folder()
    {
        // The documented default: whoever can read the key folder can read the key, so it must be as private as the data.
        using (var site = Site())
        {
            Protector(site).Protect("inquiry 42");
        }

        var keyFile = File.ReadAllText(Assert.Single(Directory.GetFiles(KeysPath, "key-*.xml")));

        Assert.Contains("<masterKey", keyFile, StringComparison.Ordinal);
    }

    public void Dispose() => TestFolders.DeleteQuietly(_shared.FullName);

    private string KeysPath => Path.Combine(_shared.FullName, "keys");

    private SiteFactory Site(string? keysPath = null, string? certificate = null)
    {
        var site = new SiteFactory().Set("DataProtection:KeysPath", keysPath ?? KeysPath);
        if (certificate is not null)
        {
            site.Set("DataProtection:CertificatePath", certificate).Set("DataProtection:CertificatePassword", "s3cret");
        }

        return site;
    }

    private static IDataProtector Protector(SiteFactory site) =>
        site.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("RelapseSite.Tests.KeyRing");

    /// <summary>A form post carrying the cookie and the hidden field exactly as the browser would send them back.</summary>
    private static Task<bool> IsValidPost(SiteFactory site, AntiforgeryTokenSet tokens)
    {
        var cookieName = site.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name;
        var post = new DefaultHttpContext { RequestServices = site.Services };
        post.Request.Method = HttpMethods.Post;
        post.Request.ContentType = "application/x-www-form-urlencoded";
        post.Request.Headers.Cookie = $"{cookieName}={tokens.CookieToken}";
        post.Request.Form = new FormCollection(new() { [tokens.FormFieldName] = tokens.RequestToken });
        return site.Services.GetRequiredService<IAntiforgery>().IsRequestValidAsync(post);
    }
}
