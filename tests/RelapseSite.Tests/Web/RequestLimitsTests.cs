using System.Net;

namespace RelapseSite.Tests.Web;

/// <summary>Oversized requests on real Kestrel, where the limits live.</summary>
public sealed class RequestLimitsTests(KestrelSiteFactory site) : IClassFixture<KestrelSiteFactory>
{
    [Fact]
    public async Task An_oversized_post_is_refused_with_413_and_a_friendly_page()
    {
        var client = site.CreateHttpVisitor();
        using var body = new StringContent("Message=" + new string('x', 200 * 1024), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        var response = await client.PostAsync("/contact", body);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("too long", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
    }
}
