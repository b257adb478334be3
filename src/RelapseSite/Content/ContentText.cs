using System.Text;
using System.Text.Unicode;

namespace RelapseSite.Content;

/// <summary>
/// Turns a content file's bytes into text. Content files are UTF-8, with or without a byte-order mark; a file with
/// a UTF-16 or UTF-32 byte-order mark is read as such. A file saved in an older "ANSI" encoding (Latin-1 or
/// Windows-1252: old Notepad, Word's plain-text export) is refused, naming the line of its first such letter: read as
/// UTF-8 anyway, every é and curly quote would show as "�" on the live page, and nothing would say why.
/// </summary>
internal static class ContentText
{
    public const string NotUtf8 =
        "this file is not saved as UTF-8, so a letter on this line (such as é, ñ or a curly quote) cannot be read; open the file, choose Save As, and pick the encoding 'UTF-8'";

    /// <summary>The text, or null with the 1-based line of the first byte that is not UTF-8.</summary>
    public static string? Decode(byte[] bytes, out int lineNotUtf8)
    {
        lineNotUtf8 = 0;
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] or [0x00, 0x00, 0xFE, 0xFF, ..])
        {
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        var text = bytes.AsSpan(bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0);
        if (Utf8.IsValid(text))
        {
            return Encoding.UTF8.GetString(text);
        }

        var valid = 0;
        while (Rune.DecodeFromUtf8(text[valid..], out _, out var length) == System.Buffers.OperationStatus.Done)
        {
            valid += length;
        }

        lineNotUtf8 = text[..valid].Count((byte)'\n') + 1;
        return null;
    }
}
