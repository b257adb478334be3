using RelapseSite.Web;

namespace RelapseSite.Contact;

/// <summary>
/// A paste can carry a NUL character (U+0000), which a browser sends in a form as "%00". ASP.NET Core's form reader
/// refuses a whole form over one, so the person would lose everything they wrote for an invisible character the form
/// drops anyway (<see cref="InquiryForm"/> keeps no control characters). This takes them out of a URL-encoded post to
/// /contact before anything reads it. In that encoding "%00" can only be NUL: a "%" that was typed is sent as "%25".
/// </summary>
public static class NulCharacters
{
    private static readonly byte[] Encoded = "%00"u8.ToArray();

    public static async Task StripAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        // With or without a Content-Length (a chunked body has none); one over the limit is left for Kestrel's 413.
        if (HttpMethods.IsPost(request.Method) && request.Path == "/contact"
            && request.ContentLength is null or (> 0 and <= RequestLimits.MaxBodyBytes)
            && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            byte[] body;
            try
            {
                // Kestrel stops a body at MaxRequestBodySize with a 413 as it is read, so this holds at most 256 KB.
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer, context.RequestAborted);
                body = buffer.ToArray();
            }
            catch (BadHttpRequestException bad)
            {
                // A body that stalled or broke the protocol: Kestrel's own answer, as for any other request.
                context.Response.StatusCode = bad.StatusCode;
                return;
            }
            catch (IOException)
            {
                // The sender went away mid-body.
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            if (body.AsSpan().IndexOf(Encoded) >= 0)
            {
                body = Strip(body);
            }

            request.Body = new MemoryStream(body, writable: false);
            request.ContentLength = body.Length;
        }

        await next(context);
    }

    private static byte[] Strip(byte[] body)
    {
        var kept = new List<byte>(body.Length);
        var rest = body.AsSpan();
        while (rest.IndexOf(Encoded) is var at && at >= 0)
        {
            kept.AddRange(rest[..at]);
            rest = rest[(at + Encoded.Length)..];
        }

        kept.AddRange(rest);
        return [.. kept];
    }
}
