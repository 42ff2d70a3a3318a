namespace Roost.Core.Media;

/// <summary>
/// Decides a file's type from its first bytes only (magic numbers, after the WHATWG MIME sniffing patterns). What a
/// client declares or names the file is never trusted here: the type decides how the bytes are decoded and served.
/// </summary>
public static class MediaSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at; more are ignored, so the answer never depends on the caller's buffer.</summary>
    public const int HeadLength = 4096;

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> Png => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The type of the content that starts with <paramref name="head"/>, or null when it is none Roost takes. Never throws.</summary>
    public static MediaType? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length > HeadLength)
        {
            head = head[..HeadLength];
        }

        if (head.StartsWith(Jpeg))
        {
            return MediaTypes.Jpeg;
        }

        if (head.StartsWith(Png))
        {
            return MediaTypes.Png;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return MediaTypes.Gif;
        }

        if (IsWebP(head))
        {
            return MediaTypes.WebP;
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return MediaTypes.Pdf;
        }

        if (head.StartsWith("OggS"u8))
        {
            return OggPage.TryReadHeader(head, out var page) && OggPage.StartsWithCodecHeader(head[page.HeaderLength..]) ? MediaTypes.Ogg : null;
        }

        return IsoBmffBrands.Sniff(head) ?? (IsAdts(head) ? MediaTypes.Aac : null);
    }

    private static bool IsWebP(ReadOnlySpan<byte> head) =>
        head.Length >= 16 && head.StartsWith("RIFF"u8) && head[8..].StartsWith("WEBPVP8"u8) && head[15] is (byte)' ' or (byte)'L' or (byte)'X';

    /// <summary>ADTS has only a 12-bit sync word, so a second frame header is required whenever the head reaches it.</summary>
    private static bool IsAdts(ReadOnlySpan<byte> head)
    {
        var start = 0;
        if (Id3Tag.IsPresent(head))
        {
            if (!Id3Tag.TryGetLength(head, out var tagLength) || tagLength >= head.Length)
            {
                return false;
            }

            start = tagLength;
        }

        if (!AdtsHeader.TryParse(head[start..], out var frame))
        {
            return false;
        }

        var next = start + frame.FrameLength;
        return next + 2 > head.Length || AdtsHeader.IsSyncWord(head[next..]);
    }
}
