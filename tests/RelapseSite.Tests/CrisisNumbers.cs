namespace RelapseSite.Tests;

/// <summary>The numbers a person in crisis must always find, as <c>tel:</c> links: one definition for every test that checks them.</summary>
public static class CrisisNumbers
{
    public const string Center = "href=\"tel:+18554254846\"";

    /// <summary>911, 988 (to call and to text) and the center's own line are all linked in <paramref name="html"/>.</summary>
    public static void AssertLinked(string html)
    {
        Assert.Contains("href=\"tel:911\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"tel:988\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"sms:988\"", html, StringComparison.Ordinal);
        Assert.Contains(Center, html, StringComparison.Ordinal);
    }
}
