using System.Globalization;
using System.Text;

namespace Roost.Core.Media;

/// <summary>Client file names, made safe to store, show and send back in a <c>Content-Disposition</c> header.</summary>
public static class MediaFileNames
{
    /// <summary>The limit of most file systems, so a download can be saved under the same name.</summary>
    public const int MaxUtf8Bytes = 255;

    /// <summary>A longer "extension" is part of the name, not a type, and is not worth keeping whole.</summary>
    private const int MaxExtensionBytes = 32;

    /// <summary>
    /// The last path segment only, without control characters, quotes, line separators or bidirectional overrides (which
    /// can make <c>gpj.exe</c> look like <c>exe.jpg</c>), trimmed of dots and spaces, and cut to 255 UTF-8 bytes
    /// keeping the extension. Null when nothing is left.
    /// </summary>
    public static string? Sanitize(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var segment = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var kept = new StringBuilder(segment.Length);
        foreach (var rune in segment.EnumerateRunes())
        {
            if (!IsRemoved(rune))
            {
                kept.Append(rune.ToString());
            }
        }

        var trimmed = kept.ToString().Trim('.', ' ');
        if (trimmed.Length == 0)
        {
            return null;
        }

        return Encoding.UTF8.GetByteCount(trimmed) <= MaxUtf8Bytes ? trimmed : Truncate(trimmed);
    }

    /// <summary>
    /// <c>inline</c> or <c>attachment</c>, with the name twice (RFC 6266, RFC 8187): an ASCII <c>filename</c> for old
    /// clients (other characters become <c>_</c>) and the exact UTF-8 <c>filename*</c>. The name is sanitized first,
    /// so no client text can end the header or add a parameter.
    /// </summary>
    public static string ContentDisposition(string? fileName, bool inline)
    {
        var disposition = inline ? "inline" : "attachment";
        return Sanitize(fileName) is { } name ? $"{disposition}; filename=\"{AsciiFallback(name)}\"; filename*=UTF-8''{PercentEncode(name)}" : disposition;
    }

    private static bool IsRemoved(Rune rune) =>
        rune.Value is '"' or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static string Truncate(string name)
    {
        var extension = Path.GetExtension(name);
        if (Encoding.UTF8.GetByteCount(extension) > MaxExtensionBytes)
        {
            extension = "";
        }

        var budget = MaxUtf8Bytes - Encoding.UTF8.GetByteCount(extension);
        var stem = new StringBuilder();
        var used = 0;
        foreach (var rune in name[..^extension.Length].EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget)
            {
                break;
            }

            stem.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }

        return stem.ToString().TrimEnd('.', ' ') + extension;
    }

    /// <summary>Percent is replaced too: some clients percent-decode the plain <c>filename</c>.</summary>
    private static string AsciiFallback(string name)
    {
        var fallback = new StringBuilder(name.Length);
        foreach (var rune in name.EnumerateRunes())
        {
            fallback.Append(rune.Value is >= 0x20 and < 0x7F and not ('%' or '"' or '\\') ? (char)rune.Value : '_');
        }

        return fallback.ToString();
    }

    /// <summary>RFC 8187 ext-value: attr-chars as they are, every other UTF-8 byte as <c>%XX</c>.</summary>
    private static string PercentEncode(string name)
    {
        var encoded = new StringBuilder(name.Length);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'!' or (byte)'#' or (byte)'$' or (byte)'&' or (byte)'+' or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~')
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2"));
            }
        }

        return encoded.ToString();
    }
}
