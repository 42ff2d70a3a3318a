using System.Buffers.Binary;

namespace Roost.Core.Media;

/// <summary>
/// Duration of Ogg Opus and Vorbis: the stream's last granule position (found in the file's final 64 KiB, which
/// always holds a whole last page) over the codec's rate from the first page.
/// </summary>
internal static class OggProbe
{
    /// <summary>Opus granule positions always count 48 kHz samples, whatever the input rate.</summary>
    private const int OpusRate = 48000;

    /// <summary>Bounds the checksum work on a tail full of fake capture patterns.</summary>
    private const int MaxCandidates = 1024;

    public static MediaDetails Probe(StreamWindow window)
    {
        if (!OggPage.TryReadHeader(window.Read(0, OggPage.FixedHeaderLength + 255), out var first))
        {
            return MediaDetails.Unknown;
        }

        var packet = window.Read(first.HeaderLength, Math.Min(first.BodyLength, 64));
        ulong preSkip;
        ulong rate;
        if (packet.Length >= 19 && packet.StartsWith(OggPage.OpusHead))
        {
            preSkip = BinaryPrimitives.ReadUInt16LittleEndian(packet[10..]);
            rate = OpusRate;
        }
        else if (packet.Length >= 16 && packet.StartsWith(OggPage.VorbisIdentification))
        {
            preSkip = 0;
            rate = BinaryPrimitives.ReadUInt32LittleEndian(packet[12..]);
        }
        else
        {
            return MediaDetails.Unknown;
        }

        var granule = LastGranule(window, first.Serial);
        return granule is { } last && last >= preSkip ? new MediaDetails(null, null, Durations.ToMilliseconds(last - preSkip, rate)) : MediaDetails.Unknown;
    }

    /// <summary>The granule of the stream's last whole, checksummed page on which a packet ends, or null.</summary>
    private static ulong? LastGranule(StreamWindow window, uint serial)
    {
        var tailLength = (int)Math.Min(window.Length, StreamWindow.Size);
        var tail = window.Read(window.Length - tailLength, tailLength);
        var end = tail.Length;
        for (var candidates = 0; candidates < MaxCandidates; candidates++)
        {
            var start = tail[..end].LastIndexOf("OggS"u8);
            if (start < 0)
            {
                return null;
            }

            var data = tail[start..];
            if (OggPage.TryReadHeader(data, out var page) && page.Serial == serial && page.Granule != OggPage.NoGranule && OggPage.HasValidChecksum(data, page))
            {
                return page.Granule;
            }

            end = start;
        }

        return null;
    }
}
