using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace RelapseSite.Contact;

/// <summary>
/// <c>Contact:PermitLimit</c> stored inquiries per client address per <c>Contact:WindowSeconds</c>. Only a post that is
/// about to be stored takes a permit: a visitor fixing a typo in their phone number must not be locked out by their own
/// corrections, and when the limit is reached the form comes back with what they typed (and the phone number), not an
/// empty status page. The client is <c>Connection.RemoteIpAddress</c>, which the forwarded-headers middleware sets
/// behind a proxy. IPv6 clients are counted per /64, since one home or phone usually holds a whole /64.
/// </summary>
public sealed class ContactRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress?> _limiter;

    public ContactRateLimiter(IOptions<ContactOptions> options)
    {
        var limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<IPAddress?, string>(address => RateLimitPartition.GetFixedWindowLimiter(
            ClientKey(address),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.PermitLimit,
                Window = TimeSpan.FromSeconds(limits.WindowSeconds),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Takes a permit for this client; when none is left, says how long until the next one (for Retry-After).</summary>
    public bool TryAcquire(HttpContext context, out string? retryAfterSeconds)
    {
        using var lease = _limiter.AttemptAcquire(context.Connection.RemoteIpAddress);
        retryAfterSeconds = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : null;
        return lease.IsAcquired;
    }

    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }

    public void Dispose() => _limiter.Dispose();
}
