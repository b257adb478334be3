using Microsoft.AspNetCore.Http.Features;

namespace RelapseSite.Web;

/// <summary>
/// Small limits on what a request may carry. The contact form is the only thing anyone posts here, and a full form is
/// a few kilobytes, so anything far larger is refused by Kestrel before the site reads it.
/// </summary>
public static class RequestLimits
{
    /// <summary>
    /// Room for a message far over the form's 2,000 characters, so its writer gets the form back with their words and
    /// "it has 20,000 characters" rather than a 413 page that keeps nothing. Form encoding makes a character of Arabic
    /// or Hebrew 6 bytes, and an emoji 12: 256 KB holds about 40,000 such characters.
    /// </summary>
    public const long MaxBodyBytes = 256 * 1024;

    public static WebApplicationBuilder AddSiteRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.Configure<FormOptions>(form =>
        {
            form.ValueCountLimit = 100;
            form.MultipartBodyLengthLimit = MaxBodyBytes;
        });
        return builder;
    }
}
