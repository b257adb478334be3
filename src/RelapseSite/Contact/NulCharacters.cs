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
        if (HttpMethods.IsPost(request.Method) && request.Path == "/contact"
            && request.ContentLength is > 0 and <= RequestLimits.MaxBodyBytes
            && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var body = new byte[request.ContentLength.Value];
            try
            {
                await request.Body.ReadExactlyAsync(body, context.RequestAborted);
            }
            catch (BadHttpRequestException bad)
            {
                // A body that stalled or broke the protocol: Kestrel's own answer, as for any other request.
                context.Response.StatusCode = bad.StatusCode;
                return;
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException)
            {
                // Shorter than it said it was: the sender went away, or never meant it.
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
