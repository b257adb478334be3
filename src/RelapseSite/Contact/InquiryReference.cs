using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace RelapseSite.Contact;

/// <summary>
/// An inquiry's id, which is also the reference the visitor sees: eight random characters such as <c>K7PX-4QMD</c>,
/// short enough to read out on the phone, random so it says nothing about the person or how many wrote before them.
/// Crockford's alphabet has no I, L, O or U, so it survives being read aloud and typed back.
/// </summary>
public static partial class InquiryReference
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New()
    {
        Span<char> chars = stackalloc char[9];
        RandomNumberGenerator.GetItems(Alphabet, chars[..4]);
        chars[4] = '-';
        RandomNumberGenerator.GetItems(Alphabet, chars[5..]);
        return new string(chars);
    }

    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && Pattern().IsMatch(value);

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")]
    private static partial Regex Pattern();
}
