using System.Net;
using System.Text.RegularExpressions;
using RelapseSite.Tests.Contact;
using RelapseSite.Web;

namespace RelapseSite.Tests.Web;

/// <summary>Oversized requests on real Kestrel, where the limits live.</summary>
public sealed class RequestLimitsTests(KestrelSiteFactory site) : IClassFixture<KestrelSiteFactory>
{
    [Fact]
    public async Task An_oversized_post_is_refused_with_413_and_a_friendly_page()
    {
        var client = site.CreateHttpVisitor();
        using var body = new StringContent("Message=" + new string('x', (int)RequestLimits.MaxBodyBytes + 1024), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        var response = await client.PostAsync("/contact", body);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("too long", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_far_too_long_in_a_non_latin_script_comes_back_in_the_form_with_its_length()
    {
        // 20,000 characters of Arabic is about 120 KB once form-encoded: the form, not a 413, must answer it.
        var visitor = new ContactVisitor(site.CreateHttpVisitor(cookies: true));
        var fields = ContactVisitor.ValidFields();
        fields["message"] = string.Concat(Enumerable.Repeat("مساعدة", 3_334))[..20_000];

        var response = await visitor.SendAsync(fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("(it has 20,000)", html, StringComparison.Ordinal);
        var kept = Regex.Match(html, "<textarea[^>]*>([^<]*)</textarea>").Groups[1].Value;
        Assert.Equal(fields["message"], WebUtility.HtmlDecode(kept));
    }
}
