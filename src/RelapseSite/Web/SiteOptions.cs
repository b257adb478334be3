using System.ComponentModel.DataAnnotations;

namespace RelapseSite.Web;

/// <summary>
/// The center's name, phone number and address: the one place they are set. Every page's header, footer, crisis
/// strip and structured data read them from here. Bound from the <c>Site</c> section.
/// </summary>
public sealed class SiteOptions : IValidatableObject
{
    public const string Section = "Site";

    [Required(ErrorMessage = "Site:Name is required.")]
    public string Name { get; set; } = "";

    /// <summary>The number as people read it, for example "(855) 425-4846".</summary>
    [Required(ErrorMessage = "Site:Phone is required.")]
    public string Phone { get; set; } = "";

    /// <summary>The same number for <c>tel:</c> links, in E.164 form, for example "+18554254846".</summary>
    [Required(ErrorMessage = "Site:PhoneE164 is required.")]
    [RegularExpression(@"^\+[1-9]\d{6,14}$", ErrorMessage = "Site:PhoneE164 must be in E.164 form, such as +18554254846.")]
    public string PhoneE164 { get; set; } = "";

    public string StreetAddress { get; set; } = "";

    [Required(ErrorMessage = "Site:Locality is required (the city).")]
    public string Locality { get; set; } = "";

    [Required(ErrorMessage = "Site:Region is required (the state).")]
    public string Region { get; set; } = "";

    public string PostalCode { get; set; } = "";

    [Required(ErrorMessage = "Site:Country is required.")]
    public string Country { get; set; } = "US";

    /// <summary>The public address of the site, for canonical links and the sitemap, for example "https://example.org".</summary>
    [Required(ErrorMessage = "Site:BaseUrl is required.")]
    public string BaseUrl { get; set; } = "";

    /// <summary>The home page's heading and title, above the whole guide.</summary>
    [Required(ErrorMessage = "Site:HomeTitle is required.")]
    public string HomeTitle { get; set; } = "";

    /// <summary>The home page's meta description, for search results.</summary>
    [Required(ErrorMessage = "Site:HomeDescription is required.")]
    public string HomeDescription { get; set; } = "";

    /// <summary>"Pompano Beach, FL": the one line people read.</summary>
    public string CityLine => $"{Locality}, {Region}";

    /// <summary>
    /// The <c>tel:</c> link, for <c>Html.Raw</c>: Razor would encode the "+" as an entity. Safe because
    /// <see cref="PhoneE164"/> is validated to digits after the plus.
    /// </summary>
    public string PhoneHref => "tel:" + PhoneE164;

    public string AbsoluteUrl(string path) => BaseUrl.TrimEnd('/') + path;

    /// <summary>True for an address only this machine can reach (localhost, 127.0.0.1, ::1): right for a local run only.</summary>
    public bool PointsAtThisMachine =>
        Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase));

    /// <summary>Checks what attributes cannot: [Url] only looks at the first characters, so "http://" or "ftp://x" would pass.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // AbsoluteUrl pastes the text as written into every canonical link and the sitemap, so it must be clean as
        // written: Uri.TryCreate alone forgives spaces, a backslash for a slash, and a user name and password.
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || !(BaseUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || BaseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || BaseUrl.Any(c => char.IsWhiteSpace(c) || c == '\\'))
        {
            yield return new ValidationResult(
                "Site:BaseUrl must be an absolute http or https URL with no query, spaces or backslashes, such as https://example.org.", [nameof(BaseUrl)]);
        }
        else if (uri.UserInfo.Length > 0)
        {
            yield return new ValidationResult(
                "Site:BaseUrl must not contain a user name or password: it is published in every page and the sitemap.", [nameof(BaseUrl)]);
        }
    }
}
