using Microsoft.AspNetCore.Http.Features;

namespace RelapseSite.Web;

/// <summary>
/// Small limits on what a request may carry. The contact form is the only thing anyone posts here, and a full form is
/// a few kilobytes, so anything far larger is refused by Kestrel before the site reads it.
/// </summary>
public static class RequestLimits
{
    public const long MaxBodyBytes = 64 * 1024;

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
