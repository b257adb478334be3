using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace RelapseSite.Contact;

/// <summary>
/// <c>Contact:PermitLimit</c> posts per client address per <c>Contact:WindowSeconds</c>, then 429 (the status page gives
/// the phone number). The client is <c>Connection.RemoteIpAddress</c>, which the forwarded-headers middleware sets
/// behind a proxy. IPv6 clients are counted per /64, since one home or phone usually holds a whole /64. Forged posts
/// never get here: they are refused before the limiter (see <see cref="ContactSetup.UseContact"/>).
/// </summary>
public sealed class ContactRateLimitPolicy(IOptions<ContactOptions> options, ILogger<ContactRateLimitPolicy> logger) : IRateLimiterPolicy<string>
{
    public const string Name = "contact";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => (context, _) =>
    {
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        // No address in the log: an IP address is personal data too.
        logger.LogWarning("A client went over the contact form's rate limit (Contact:PermitLimit); answered 429");
        return ValueTask.CompletedTask;
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var limits = options.Value;
        return RateLimitPartition.GetFixedWindowLimiter(ClientKey(httpContext.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.PermitLimit,
            Window = TimeSpan.FromSeconds(limits.WindowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
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
}
