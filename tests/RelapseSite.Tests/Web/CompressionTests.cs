using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using RelapseSite.Web;

namespace RelapseSite.Tests.Web;

public sealed partial class CompressionTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/guide/warning-signs")]
    [InlineData("/privacy")]
    public async Task Brotli_is_sent_when_asked_for_and_decompresses_to_the_same_page(string path)
    {
        var plain = await Get(path, acceptEncoding: null);
        var brotli = await Get(path, "gzip, deflate, br, zstd");

        Assert.Equal("br", Assert.Single(brotli.Content.Headers.ContentEncoding));
        var body = await brotli.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, brotli.Content.Headers.ContentLength);
        Assert.True(body.Length < (await plain.Content.ReadAsByteArrayAsync()).Length / 2, $"Brotli body is {body.Length} bytes");
        Assert.Equal(await plain.Content.ReadAsStringAsync(), Decompress(body, s => new BrotliStream(s, CompressionMode.Decompress)));
    }

    [Fact]
    public async Task Gzip_is_sent_to_clients_without_brotli_and_decompresses_to_the_same_page()
    {
        var plain = await Get("/", acceptEncoding: null);
        var gzip = await Get("/", "gzip, deflate");

        Assert.Equal("gzip", Assert.Single(gzip.Content.Headers.ContentEncoding));
        var body = await gzip.Content.ReadAsByteArrayAsync();
        Assert.Equal(await plain.Content.ReadAsStringAsync(), Decompress(body, s => new GZipStream(s, CompressionMode.Decompress)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    [InlineData("deflate")]
    [InlineData("br;q=0, gzip;q=0")]
    public async Task The_page_is_sent_uncompressed_when_no_offered_coding_is_accepted(string? acceptEncoding)
    {
        var response = await Get("/guide/warning-signs", acceptEncoding);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("<h1>Warning signs of relapse</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task Every_coding_says_it_varies_by_accept_encoding_and_has_its_own_etag(string? acceptEncoding)
    {
        var response = await Get("/", acceptEncoding);
        var identity = await Get("/", acceptEncoding: null);

        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(acceptEncoding is null, Equals(identity.Headers.ETag, response.Headers.ETag));
    }

    [Fact]
    public async Task The_contact_page_is_never_compressed()
    {
        // BREACH: the form carries an antiforgery token and echoes what was typed, so it must not be compressed.
        var response = await Get("/contact", "gzip, deflate, br");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task The_home_page_a_phone_downloads_is_under_15_kb_with_its_stylesheet()
    {
        var html = await Get("/", "gzip, deflate, br");
        var page = await (await Get("/", acceptEncoding: null)).Content.ReadAsStringAsync();
        var stylesheet = StylesheetLink().Match(page).Groups[1].Value;
        var css = await Get(WebUtility.HtmlDecode(stylesheet), "gzip, deflate, br");

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.NotEmpty(css.Content.Headers.ContentEncoding);
        var total = (await html.Content.ReadAsByteArrayAsync()).Length + (await css.Content.ReadAsByteArrayAsync()).Length;
        Assert.True(total <= 15 * 1024, $"home page HTML + CSS is {total} bytes compressed");
    }

    [Theory]
    [InlineData("", ContentCoding.Identity)]
    [InlineData("gzip, deflate, br, zstd", ContentCoding.Brotli)]
    [InlineData("gzip, deflate", ContentCoding.Gzip)]
    [InlineData("x-gzip", ContentCoding.Gzip)]
    [InlineData("BR", ContentCoding.Brotli)]
    [InlineData("br;q=0, gzip", ContentCoding.Gzip)]
    [InlineData("gzip;q=1.0, br;q=0.5", ContentCoding.Gzip)]
    [InlineData("gzip;q=0.5, br;q=0.5", ContentCoding.Brotli)]
    [InlineData("*", ContentCoding.Brotli)]
    [InlineData("*;q=0", ContentCoding.Identity)]
    [InlineData("gzip, *;q=0", ContentCoding.Gzip)]
    [InlineData("identity", ContentCoding.Identity)]
    [InlineData("br;q=nonsense, gzip", ContentCoding.Gzip)]
    [InlineData(" , ;;, br ; q=0.8 ", ContentCoding.Brotli)]
    public void Accept_encoding_picks_brotli_then_gzip_then_identity(string header, ContentCoding expected)
    {
        Assert.Equal(expected, ContentCodings.Negotiate(header));
    }

    private async Task<HttpResponseMessage> Get(string path, string? acceptEncoding)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        return await site.CreateVisitor().SendAsync(request);
    }

    private static string Decompress(byte[] body, Func<Stream, Stream> decoder)
    {
        using var decoded = decoder(new MemoryStream(body));
        using var reader = new StreamReader(decoded, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex StylesheetLink();
}
