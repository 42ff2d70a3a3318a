using System.Buffers.Binary;

namespace Roost.Core.Media;

/// <summary>Lays packets out as Ogg pages (RFC 3533): lacing, continuation flags, granule 0 where a packet ends, checksums.</summary>
internal static class OggPages
{
    private const int MaxSegments = 255;

    /// <summary>Writes <paramref name="packets"/> as header pages of <paramref name="serial"/> from <paramref name="sequence"/>; the sequence after the last page.</summary>
    public static uint Write(Stream output, uint serial, uint sequence, IReadOnlyList<byte[]> packets)
    {
        // Every segment as (packet, offset, length): 255-byte pieces, then one shorter (possibly empty) piece that ends the packet.
        var segments = new List<(int Packet, int Offset, int Length)>();
        for (var p = 0; p < packets.Count; p++)
        {
            var offset = 0;
            var length = 255;
            while (length == 255)
            {
                length = Math.Min(255, packets[p].Length - offset);
                segments.Add((p, offset, length));
                offset += length;
            }
        }

        var page = new byte[OggPage.MaxLength];
        for (var first = 0; first < segments.Count; first += MaxSegments)
        {
            var count = Math.Min(MaxSegments, segments.Count - first);
            var continued = first > 0 && segments[first - 1].Length == 255;
            var endsPacket = false;
            var bodyAt = OggPage.FixedHeaderLength + count;
            var length = bodyAt;
            for (var i = 0; i < count; i++)
            {
                var (packet, offset, size) = segments[first + i];
                page[OggPage.FixedHeaderLength + i] = (byte)size;
                packets[packet].AsSpan(offset, size).CopyTo(page.AsSpan(length));
                length += size;
                endsPacket |= size < 255;
            }

            "OggS"u8.CopyTo(page);
            page[4] = 0;
            page[5] = continued ? (byte)0x01 : (byte)0;
            BinaryPrimitives.WriteUInt64LittleEndian(page.AsSpan(6), endsPacket ? 0 : OggPage.NoGranule);
            BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), serial);
            BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), sequence++);
            BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), 0); // A previous page's checksum is not this one's.
            page[26] = (byte)count;
            BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc.Compute(page.AsSpan(0, length)));
            output.Write(page, 0, length);
        }

        return sequence;
    }
}
