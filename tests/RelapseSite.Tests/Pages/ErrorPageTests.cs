using System.Net;

namespace RelapseSite.Tests.Pages;

public sealed class ErrorPageTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/guide/no-such-section")]
    [InlineData("/a/b/c")]
    public async Task Unknown_urls_get_a_real_404_with_the_phone_number_and_a_way_back(string path)
    {
        var response = await site.CreateVisitor().GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("We can&#x27;t find that page", html, StringComparison.Ordinal);
        Assert.Contains("href=\"tel:+18554254846\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/\"", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"robots\" content=\"noindex\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_error_page_reached_directly_never_answers_200()
    {
        var response = await site.CreateVisitor().GetAsync("/error/404");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
