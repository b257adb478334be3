using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace RelapseSite.Contact;

/// <summary>
/// The minimum fill time: the form carries the moment it was shown, protected so a bot cannot forge an older one,
/// and a post that comes back sooner than <c>Contact:MinimumFillSeconds</c> is shown again instead of sent.
/// </summary>
public sealed class FillTimer(IDataProtectionProvider protection, TimeProvider time, IOptions<ContactOptions> options)
{
    // A day is longer than anyone keeps a form open; an older stamp is simply shown again with a fresh one.
    private static readonly TimeSpan StampLifetime = TimeSpan.FromDays(1);

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("RelapseSite.Contact.FillTimer.v1").ToTimeLimitedDataProtector();

    public string Stamp() =>
        _protector.Protect(time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), StampLifetime);

    /// <summary>True when the stamp is genuine and old enough. A missing, forged or expired stamp is treated as too fast.</summary>
    public bool IsHumanPace(string? stamp)
    {
        var minimum = TimeSpan.FromSeconds(options.Value.MinimumFillSeconds);
        if (minimum == TimeSpan.Zero)
        {
            return true;
        }

        if (string.IsNullOrEmpty(stamp))
        {
            return false;
        }

        try
        {
            var shown = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(_protector.Unprotect(stamp), CultureInfo.InvariantCulture));
            return time.GetUtcNow() - shown >= minimum;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>The stamp to put back in a re-shown form: the visitor's own if it is genuine (their time counts), else a fresh one.</summary>
    public string Renew(string? stamp)
    {
        if (!string.IsNullOrEmpty(stamp))
        {
            try
            {
                _protector.Unprotect(stamp);
                return stamp;
            }
            catch (CryptographicException)
            {
                // Forged or expired: fall through to a fresh stamp.
            }
        }

        return Stamp();
    }
}
