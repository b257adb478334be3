using System.Net;
using RelapseSite.Contact;

namespace RelapseSite.Tests.Contact;

public sealed class RateLimitTests
{
    [Fact]
    public async Task The_post_after_the_permit_limit_gets_429_with_a_friendly_page_and_the_phone_number()
    {
        using var site = ContactSite.Create().Set("Contact:PermitLimit", "5").Set("Contact:WindowSeconds", "60");
        var visitor = site.Visitor();
        for (var i = 0; i < 5; i++)
        {
            await visitor.SendValidAsync();
        }

        var fields = ContactVisitor.ValidFields();
        fields["message"] = "Please call my son, he relapsed last night";
        var response = await visitor.SendAsync(fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("Please wait a minute, then send again", html, StringComparison.Ordinal);
        Assert.Contains("Please call my son, he relapsed last night", html, StringComparison.Ordinal);
        Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 should say when to try again");
        Assert.Equal(5, OutboxFile.Rows(site.OutboxPath()).Count);
    }

    [Fact]
    public async Task While_the_outbox_cannot_store_the_visitor_is_told_that_and_not_that_they_sent_too_many()
    {
        // Each failed try took a permit. Past the limit, the reason to give is still the site's own fault.
        using var site = ContactSite.Create().Set("Contact:PermitLimit", "2").Set("Contact:WindowSeconds", "60");
        var visitor = site.Visitor();
        await site.BreakOutboxAsync();

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await visitor.SendAsync());
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode));
        foreach (var answer in answers)
        {
            var html = await answer.Content.ReadAsStringAsync();
            Assert.Contains("Sorry, your message was not sent", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Please wait a minute", html, StringComparison.Ordinal);
            Assert.Contains(CrisisNumbers.Center, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Corrections_after_a_validation_error_do_not_use_up_the_limit()
    {
        // A visitor who mistypes their phone number several times must still be able to send.
        using var site = ContactSite.Create().Set("Contact:PermitLimit", "2");
        var visitor = site.Visitor();
        var mistyped = ContactVisitor.ValidFields();
        mistyped["phone"] = "954 555 O123";
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await visitor.SendAsync(mistyped)).StatusCode);
        }

        var corrected = await visitor.SendAsync();

        Assert.Equal(HttpStatusCode.SeeOther, corrected.StatusCode);
        Assert.Single(OutboxFile.Rows(site.OutboxPath()));
    }

    [Fact]
    public async Task The_limit_is_per_client_address()
    {
        using var site = ContactSite.Create().Set("Contact:PermitLimit", "2");
        var first = site.VisitorFrom(IPAddress.Parse("203.0.113.7"));
        var second = site.VisitorFrom(IPAddress.Parse("203.0.113.8"));
        await first.SendValidAsync();
        await first.SendValidAsync();

        var limited = await first.SendAsync();
        var other = await second.SendAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, other.StatusCode);
    }

    [Fact]
    public async Task Antiforgery_runs_first_so_forged_posts_do_not_use_up_a_visitors_permits()
    {
        using var site = ContactSite.Create().Set("Contact:PermitLimit", "2");
        var visitor = site.Visitor();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await visitor.SendAsync(withToken: false)).StatusCode);
        }

        var genuine = await visitor.SendAsync();

        Assert.Equal(HttpStatusCode.SeeOther, genuine.StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Clients_are_counted_by_address_and_IPv6_by_its_64_prefix(string address, string key)
    {
        Assert.Equal(key, ContactRateLimiter.ClientKey(IPAddress.Parse(address)));
    }
}
