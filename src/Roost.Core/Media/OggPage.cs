using System.Buffers.Binary;

namespace Roost.Core.Media;

/// <summary>The header of one Ogg page (RFC 3533): where its body lies and the granule position it ends at.</summary>
internal readonly record struct OggPage(byte Flags, ulong Granule, uint Serial, int HeaderLength, int BodyLength)
{
    /// <summary>Bytes before the segment table.</summary>
    public const int FixedHeaderLength = 27;

    /// <summary>The largest page there can be: every one of 255 segments 255 bytes long.</summary>
    public const int MaxLength = FixedHeaderLength + 255 + (255 * 255);

    /// <summary>The granule position of a page on which no packet ends.</summary>
    public const ulong NoGranule = ulong.MaxValue;

    public int Length => HeaderLength + BodyLength;

    /// <summary>Reads the header at the start of <paramref name="data"/>; false unless the capture pattern, version 0 and the whole segment table are there.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> data, out OggPage page)
    {
        page = default;
        if (data.Length < FixedHeaderLength || !data.StartsWith("OggS"u8) || data[4] != 0)
        {
            return false;
        }

        var segments = data[26];
        var headerLength = FixedHeaderLength + segments;
        if (data.Length < headerLength)
        {
            return false;
        }

        var bodyLength = 0;
        foreach (var lacing in data[FixedHeaderLength..headerLength])
        {
            bodyLength += lacing;
        }

        page = new OggPage(data[5], BinaryPrimitives.ReadUInt64LittleEndian(data[6..]), BinaryPrimitives.ReadUInt32LittleEndian(data[14..]), headerLength, bodyLength);
        return true;
    }

    /// <summary>True when the page that starts <paramref name="data"/> is whole and its checksum is right.</summary>
    public static bool HasValidChecksum(ReadOnlySpan<byte> data, OggPage page) =>
        data.Length >= page.Length && OggCrc.Compute(data[..page.Length]) == BinaryPrimitives.ReadUInt32LittleEndian(data[22..]);

    /// <summary>True when a first packet is an Opus or Vorbis identification header: the codecs Roost takes in Ogg.</summary>
    public static bool StartsWithCodecHeader(ReadOnlySpan<byte> body) => body.StartsWith(OpusHead) || body.StartsWith(VorbisIdentification);

    public static ReadOnlySpan<byte> OpusHead => "OpusHead"u8;

    public static ReadOnlySpan<byte> VorbisIdentification => "\u0001vorbis"u8;
}
