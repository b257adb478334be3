using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.Extensions.Primitives;
using NetEscapades.AspNetCore.SecurityHeaders.Infrastructure;

namespace RelapseSite.Web;

/// <summary>
/// Strict response headers on every response, error pages included, and cookies that only this site can read.
/// A visitor's path through an addiction-service site is sensitive: nothing leaks it to another origin (no referrer,
/// no third-party content), and nothing names the server software.
/// </summary>
public static class SecurityHeaders
{
    private const int OneYearInSeconds = 365 * 24 * 60 * 60;

    public static WebApplicationBuilder AddSiteSecurityHeaders(this WebApplicationBuilder builder)
    {
        // Kestrel writes "Server" after the middleware has run, so only Kestrel itself can leave it out.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        builder.Services.Configure<CookiePolicyOptions>(options =>
        {
            options.HttpOnly = HttpOnlyPolicy.Always;
            options.MinimumSameSitePolicy = SameSiteMode.Strict;
            options.Secure = CookieSecurePolicy.SameAsRequest;
        });

        // The antiforgery cookie is written by the antiforgery service, not through a policy-aware path of our own,
        // so it gets the same rules explicitly.
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        return builder;
    }

    /// <summary>
    /// Ahead of everything that produces a response except the page cache, which stores these same headers with each
    /// page (<see cref="For"/>). Error pages get them too: they are re-executed through the rest of the pipeline.
    /// </summary>
    public static WebApplication UseSiteSecurityHeaders(this WebApplication app)
    {
        app.UseSecurityHeaders(Policy);
        app.UseCookiePolicy();
        return app;
    }

    /// <summary>
    /// The headers the policy sets on this response, given its scheme and Content-Type. The middleware applies them in
    /// a callback as each response starts, which costs about a tenth of a cached page's time; a stored page carries
    /// them instead. The policy has no per-request values (no nonce), so they are the same for every visitor.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, StringValues>> For(HttpContext context)
    {
        var result = new CustomHeadersResult();
        foreach (var header in Policy.Values)
        {
            header.Apply(context, result);
        }

        return [.. result.SetHeaders.Select(h => new KeyValuePair<string, StringValues>(h.Key, h.Value))];
    }

    /// <summary>
    /// Whether <see cref="For"/> includes HSTS for this request: over HTTPS, except to a loopback host name, which is
    /// the library's own rule (a test pins the two together). The stored headers of a page differ by this alone, so
    /// the page cache keys on it: keyed on the scheme only, a page first rendered for "https://localhost" was replayed
    /// without HSTS to every real visitor until the next content edit.
    /// </summary>
    public static bool SendsHsts(HttpRequest request) => request.IsHttps && !IsLoopbackName(request.Host.Host);

    // Written out rather than a LINQ Contains with a comparer, which allocates an enumerator on every cached request.
    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host == "127.0.0.1" || host == "[::1]";

    /// <summary>
    /// Every browser feature the site does not use, off. The library's default list is not used because it names
    /// features Chromium does not know (web-share), which puts a warning about the header in every visitor's console.
    /// </summary>
    private static void PermissionsPolicy(PermissionsPolicyBuilder features)
    {
        features.AddAccelerometer().None();
        features.AddAutoplay().None();
        features.AddCamera().None();
        features.AddDisplayCapture().None();
        features.AddEncryptedMedia().None();
        features.AddFullscreen().None();
        features.AddGeolocation().None();
        features.AddGyroscope().None();
        features.AddMagnetometer().None();
        features.AddMicrophone().None();
        features.AddMidi().None();
        features.AddPayment().None();
        features.AddPictureInPicture().None();
        features.AddPublickeyCredentialsGet().None();
        features.AddScreenWakeLock().None();
        features.AddSyncXHR().None();
        features.AddUsb().None();
        features.AddXrSpatialTracking().None();
    }

    /// <summary>Built once: the middleware and the page cache must agree on it.</summary>
    private static readonly HeaderPolicyCollection Policy = new HeaderPolicyCollection()
        .AddContentSecurityPolicy(csp =>
        {
            // Everything comes from this site. No inline script or style is ever needed: JSON-LD is data, not script.
            // Should inline code ever be needed, allow it by hash: a nonce would be replayed stale by a cached page.
            csp.AddDefaultSrc().Self();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().Self();
            csp.AddFormAction().Self();
            csp.AddFrameAncestors().None();
        })
        .AddFrameOptionsDeny()
        .AddContentTypeOptionsNoSniff()
        // same-origin, not no-referrer: no other site ever learns which page a visitor came from, and this site's own
        // form post carries this site's Origin (no-referrer makes browsers send "Origin: null"), which is how a stale
        // token from a browser without Sec-Fetch-Site is told apart from a forgery (ContactSetup.IsFromThisSite).
        .AddReferrerPolicySameOrigin()
        .AddPermissionsPolicy(PermissionsPolicy)
        .AddCrossOriginOpenerPolicy(coop => coop.SameOrigin())
        .AddCrossOriginResourcePolicy(corp => corp.SameOrigin())

        // Sent over HTTPS only (the library skips it on plain HTTP), never for localhost.
        .AddStrictTransportSecurityMaxAgeIncludeSubDomains(OneYearInSeconds)
        .RemoveServerHeader()
        .RemoveCustomHeader("X-Powered-By");
}
