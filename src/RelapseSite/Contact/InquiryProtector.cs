using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace RelapseSite.Contact;

/// <summary>
/// Encrypts an inquiry for the outbox with Data Protection, whose key ring persists in <c>DataProtection:KeysPath</c>,
/// so queued inquiries stay readable after a restart. Each payload is bound to its inquiry id: a blob copied onto
/// another row does not decrypt.
/// </summary>
public sealed class InquiryProtector(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("RelapseSite.Contact.Outbox.v1");

    public byte[] Protect(string id, Inquiry inquiry)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(inquiry, InquiryJson.Default.Inquiry);
        try
        {
            return _protector.CreateProtector(id).Protect(json);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    /// <exception cref="CryptographicException">The key ring no longer has the key, or the payload was altered.</exception>
    public Inquiry Unprotect(string id, byte[] payload)
    {
        var json = _protector.CreateProtector(id).Unprotect(payload);
        try
        {
            return JsonSerializer.Deserialize(json, InquiryJson.Default.Inquiry)
                ?? throw new CryptographicException("The payload decrypted to nothing.");
        }
        catch (JsonException)
        {
            throw new CryptographicException("The payload decrypted to something that is not an inquiry.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }
}
