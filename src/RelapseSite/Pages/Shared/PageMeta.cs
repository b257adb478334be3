using System.Globalization;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using RelapseSite.Content;

namespace RelapseSite.Pages;

/// <summary>What the layout needs to know about the page it wraps: title, description, canonical path, review date.</summary>
public sealed record PageMeta(string Title, string Description, string Path, DateOnly? LastReviewed = null, string? ReviewedBy = null)
{
    private const string Key = nameof(PageMeta);

    /// <summary>Medical pages get MedicalWebPage structured data; the contact form and error pages do not.</summary>
    public bool IsMedical { get; init; }

    /// <summary>Error pages and the form's thanks page are kept out of search results.</summary>
    public bool NoIndex { get; init; }

    public static PageMeta For(ContentPage page) =>
        new(page.Title, page.Description, page.Path, page.LastReviewed, page.ReviewedBy) { IsMedical = page.Kind == PageKind.Guide };

    public static string FormatDate(DateOnly date) => date.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture);

    public static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void Set(ViewDataDictionary viewData) => viewData[Key] = this;

    public static PageMeta? From(ViewDataDictionary viewData) => viewData[Key] as PageMeta;
}
