using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using RelapseSite.Web;

namespace RelapseSite.Pages;

/// <summary>
/// schema.org JSON-LD for the layout: the center as a <c>MedicalOrganization</c> on every page, and a
/// <c>MedicalWebPage</c> with its review date on guide pages. The JSON goes inside a script element, so it is written
/// with the default JavaScript encoder, which escapes <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c>: a title containing
/// <c>&lt;/script&gt;</c> cannot end the element early.
/// </summary>
public static class StructuredData
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Default };

    public static string Organization(SiteOptions site)
    {
        var address = new JsonObject
        {
            ["@type"] = "PostalAddress",
            ["streetAddress"] = NullIfEmpty(site.StreetAddress),
            ["addressLocality"] = site.Locality,
            ["addressRegion"] = site.Region,
            ["postalCode"] = NullIfEmpty(site.PostalCode),
            ["addressCountry"] = site.Country,
        };
        return Write(new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "MedicalOrganization",
            ["@id"] = OrganizationId(site),
            ["name"] = site.Name,
            ["url"] = site.AbsoluteUrl("/"),
            ["telephone"] = site.PhoneE164,
            ["address"] = WithoutNulls(address),
        });
    }

    /// <summary>The page's MedicalWebPage, or null for pages that are not medical content (the form, error pages).</summary>
    public static string? MedicalWebPage(PageMeta meta, SiteOptions site)
    {
        if (!meta.IsMedical)
        {
            return null;
        }

        var url = site.AbsoluteUrl(meta.Path);
        var page = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "MedicalWebPage",
            ["@id"] = url,
            ["url"] = url,
            ["name"] = meta.Title,
            ["description"] = meta.Description,
            ["inLanguage"] = "en-US",
            ["publisher"] = new JsonObject { ["@id"] = OrganizationId(site) },
            ["lastReviewed"] = meta.LastReviewed is { } reviewed ? PageMeta.IsoDate(reviewed) : null,
            ["reviewedBy"] = meta.ReviewedBy is { } reviewer
                ? new JsonObject
                {
                    ["@type"] = "Organization",
                    ["name"] = reviewer,
                    ["parentOrganization"] = new JsonObject { ["@id"] = OrganizationId(site) },
                }
                : null,
        };
        return Write(WithoutNulls(page));
    }

    private static string OrganizationId(SiteOptions site) => site.AbsoluteUrl("/#organization");

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static JsonObject WithoutNulls(JsonObject value)
    {
        foreach (var key in value.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            value.Remove(key);
        }

        return value;
    }

    private static string Write(JsonObject value) => value.ToJsonString(Json);
}
