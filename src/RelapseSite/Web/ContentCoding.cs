using System.Globalization;
using System.IO.Compression;

namespace RelapseSite.Web;

/// <summary>The content codings the page cache stores, best first.</summary>
public enum ContentCoding
{
    Identity,
    Gzip,
    Brotli,
}

/// <summary>
/// Compresses a page once, when it enters the cache, and picks the coding a request asked for. Brotli first: on our
/// pages it is about a fifth smaller than gzip, and every current browser sends <c>br</c>. Gzip is for the rest.
/// </summary>
public static class ContentCodings
{
    /// <summary>
    /// Pages up to this size get the slowest, smallest settings (a few milliseconds, once per page per content edit).
    /// Beyond it (a guide of hundreds of sections on one page) quality 11 would cost seconds, so a fast level is used.
    /// </summary>
    private const int SmallestSizeLimit = 512 * 1024;

    public static string? HeaderValue(ContentCoding coding) => coding switch
    {
        ContentCoding.Brotli => "br",
        ContentCoding.Gzip => "gzip",
        _ => null,
    };

    public static byte[] Brotli(ReadOnlySpan<byte> source)
    {
        var (quality, window) = source.Length <= SmallestSizeLimit ? (11, 22) : (5, 22);
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(source.Length)];
        if (!BrotliEncoder.TryCompress(source, buffer, out var written, quality, window))
        {
            throw new InvalidOperationException("Brotli output did not fit its own maximum length.");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    public static byte[] Gzip(ReadOnlySpan<byte> source)
    {
        using var output = new MemoryStream(source.Length / 3);
        var level = source.Length <= SmallestSizeLimit ? CompressionLevel.SmallestSize : CompressionLevel.Fastest;
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(source);
        }

        return output.ToArray();
    }

    /// <summary>
    /// The best coding the <c>Accept-Encoding</c> header allows: Brotli, then gzip, then identity. Codings with
    /// <c>q=0</c> are refused, <c>*</c> stands for any coding not named, and a malformed entry is skipped.
    /// </summary>
    public static ContentCoding Negotiate(ReadOnlySpan<char> acceptEncoding)
    {
        float brotli = -1, gzip = -1, any = -1;
        foreach (var range in acceptEncoding.Split(','))
        {
            var entry = acceptEncoding[range];
            var semicolon = entry.IndexOf(';');
            var name = (semicolon < 0 ? entry : entry[..semicolon]).Trim();
            var quality = semicolon < 0 ? 1f : Quality(entry[(semicolon + 1)..]);
            if (name.Equals("br", StringComparison.OrdinalIgnoreCase))
            {
                brotli = quality;
            }
            else if (name.Equals("gzip", StringComparison.OrdinalIgnoreCase) || name.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                gzip = quality;
            }
            else if (name.SequenceEqual("*"))
            {
                any = quality;
            }
        }

        brotli = brotli < 0 ? any : brotli;
        gzip = gzip < 0 ? any : gzip;
        return brotli > 0 && brotli >= gzip ? ContentCoding.Brotli
            : gzip > 0 ? ContentCoding.Gzip
            : ContentCoding.Identity;
    }

    // "q=0.5" among other parameters; anything unreadable counts as 0, so a garbled entry never wins.
    private static float Quality(ReadOnlySpan<char> parameters)
    {
        foreach (var range in parameters.Split(';'))
        {
            var parameter = parameters[range].Trim();
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase))
            {
                return float.TryParse(parameter[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) && q is >= 0 and <= 1 ? q : 0;
            }
        }

        return 1;
    }
}
