using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RelapseSite.Content;

/// <summary>
/// A page address (slug) that breaks the rule, worded for staff with the name or setting that would work. Most often
/// staff set no slug at all and the file name is to blame ("Warning Signs 2.md", "cómo-pedir.md"), so the fix they
/// need is a new file name, not a word about slugs.
/// </summary>
internal static partial class AddressMistakes
{
    private const string Rule = "may use only small letters a to z (no accents), digits and single hyphens";

    /// <summary>
    /// Accented small letters and the plain letters they become. The site runs with invariant globalization, where
    /// string.Normalize does nothing, so accents cannot be split off; this covers the Latin letters staff type.
    /// </summary>
    private static readonly Dictionary<char, string> Unaccented = new[]
    {
        ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđð", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"), ("ĥħ", "h"),
        ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"), ("ŕŗř", "r"),
        ("śŝşšș", "s"), ("ţťŧț", "t"), ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
        ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("þ", "th"),
    }.SelectMany(p => p.Item1.Select(c => (c, p.Item2))).ToDictionary(p => p.c, p => p.Item2);

    /// <summary>The file's name is the address, and it breaks the rule: the message names the file to rename it to.</summary>
    public static ContentError FileName(string file)
    {
        var rename = Suggest(Path.GetFileNameWithoutExtension(file)) is { } suggested
            ? $"rename the file to '{suggested}{Path.GetExtension(file)}'"
            : "rename the file using only those";
        return new ContentError(file, 1, $"the file name '{Path.GetFileName(file)}' cannot be the page's address, which {Rule}; {rename}");
    }

    /// <summary>The 'slug:' setting breaks the rule; <paramref name="line"/> is that setting's line.</summary>
    public static ContentError SlugSetting(string file, int line, string slug)
    {
        var example = Suggest(slug) is { } suggested ? $", for example slug: {suggested}" : string.Empty;
        return new ContentError(file, line, $"front matter: slug '{slug}' {Rule}{example}");
    }

    /// <summary>
    /// The address staff most likely meant: small letters, accents dropped ("cómo" becomes "como"), and one hyphen for
    /// each run of spaces or other marks. Null when a letter has no plain a to z form (a Greek or Cyrillic name): a
    /// guess there would be wrong.
    /// </summary>
    private static string? Suggest(string text)
    {
        var plain = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (Unaccented.TryGetValue(c, out var letters))
            {
                plain.Append(letters);
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                // An accent written apart from its letter, as a Mac writes file names: "n" then "~" for "ñ".
                continue;
            }
            else if (char.IsLetterOrDigit(c) && !char.IsAscii(c))
            {
                return null;
            }
            else
            {
                plain.Append(c);
            }
        }

        var slug = NotInSlug().Replace(plain.ToString(), "-").Trim('-');
        return slug.Length == 0 ? null : slug;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotInSlug();
}
