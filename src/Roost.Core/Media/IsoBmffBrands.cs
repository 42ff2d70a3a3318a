using System.Buffers.Binary;
using System.Text;

namespace Roost.Core.Media;

/// <summary>Which ISO base media file (MP4, QuickTime, M4A, HEIF) an <c>ftyp</c> box announces.</summary>
internal static class IsoBmffBrands
{
    /// <summary>
    /// The type of a head that starts with an <c>ftyp</c> box: by major brand when Roost knows it, else by the first
    /// compatible brand it knows (a generic major such as <c>mif1</c> says little). Null when there is no such box or
    /// the brand is one Roost does not take (AVIF).
    /// </summary>
    public static MediaType? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length < 16 || !head[4..].StartsWith("ftyp"u8))
        {
            return null;
        }

        var size = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (size < 16)
        {
            return null;
        }

        if (TryMap(head[8..12], out var major))
        {
            return major;
        }

        var end = (int)Math.Min(size, (uint)head.Length);
        for (var offset = 16; offset + 4 <= end; offset += 4)
        {
            if (TryMap(head.Slice(offset, 4), out var compatible))
            {
                return compatible;
            }
        }

        return null;
    }

    /// <summary>True for a brand Roost recognises; <paramref name="type"/> is then its type, or null for one it refuses.</summary>
    private static bool TryMap(ReadOnlySpan<byte> brand, out MediaType? type)
    {
        (var known, type) = Encoding.Latin1.GetString(brand) switch
        {
            "heic" or "heix" or "hevc" or "heim" or "heis" or "hevm" or "hevs" => (true, MediaTypes.Heic),
            "qt  " => (true, MediaTypes.QuickTime),
            "M4A " or "M4B " => (true, MediaTypes.M4a),
            "isom" or "iso2" or "iso3" or "iso4" or "iso5" or "iso6" or "iso7" or "iso8" or "iso9"
                or "mp41" or "mp42" or "avc1" or "M4V " or "dash" or "3gp4" or "3gp5" or "3gp6" or "mmp4" => (true, MediaTypes.Mp4),
            "avif" or "avis" => (true, null),
            _ => (false, (MediaType?)null),
        };
        return known;
    }
}
