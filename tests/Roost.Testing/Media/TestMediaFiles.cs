using System.Buffers.Binary;
using System.Text;

namespace Roost.Testing.Media;

/// <summary>
/// Small but well-formed media files, built in memory so tests need no binary fixtures: just the boxes, pages and
/// frames a sniffer or probe reads, with real sizes, granules and checksums.
/// </summary>
public static class TestMediaFiles
{
    /// <summary>The pre-skip every Opus encoder writes by default (6.5 ms at 48 kHz).</summary>
    public const int OpusPreSkip = 312;

    private const uint OggSerial = 0x526F6F73;

    private static readonly int[] AdtsSampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>An MP4 (ftyp isom) with a millisecond-timescale <c>mvhd</c>, one video track of the given size and a short <c>mdat</c>.</summary>
    public static byte[] Mp4(int width, int height, long durationMs) =>
        [
            .. FileType("isom", "isom", "iso2", "avc1", "mp41"),
            .. Box("moov", MovieHeader(1000, (ulong)durationMs), Track("vide", width, height)),
            .. Box("mdat", [0, 0, 0, 0, 0, 0, 0, 0]),
        ];

    /// <summary>An M4A (ftyp M4A) whose <c>mvhd</c> counts 44.1 kHz samples, with one sound track.</summary>
    public static byte[] M4a(long durationMs) =>
        [
            .. FileType("M4A ", "M4A ", "mp42", "isom"),
            .. Box("mdat", [0, 0, 0, 0]),
            .. Box("moov", MovieHeader(44100, (ulong)(durationMs * 44100 / 1000)), Track("soun", 0, 0)),
        ];

    /// <summary>An <c>ftyp</c> box: major brand, minor version 0, then the compatible brands.</summary>
    public static byte[] FileType(string major, params string[] compatible) =>
        Box("ftyp", [.. Ascii(major), 0, 0, 0, 0, .. compatible.SelectMany(Ascii)]);

    /// <summary>A version 0 <c>mvhd</c>.</summary>
    public static byte[] MovieHeader(uint timescale, ulong duration)
    {
        var content = new byte[100];
        BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(12), timescale);
        BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(16), (uint)duration);
        BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(20), 0x00010000);
        return Box("mvhd", content);
    }

    /// <summary>A <c>trak</c> with a version 0 <c>tkhd</c> (identity matrix, or a quarter turn) and <c>mdia/hdlr</c> of the handler.</summary>
    public static byte[] Track(string handler, int width, int height, bool rotated = false)
    {
        var tkhd = new byte[84];
        BinaryPrimitives.WriteUInt32BigEndian(tkhd.AsSpan(12), 1);
        var matrix = tkhd.AsSpan(40);
        int[] values = rotated ? [0, 0x00010000, 0, -0x00010000, 0, 0, 0, 0, 0x40000000] : [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(matrix[(i * 4)..], values[i]);
        }

        BinaryPrimitives.WriteUInt32BigEndian(tkhd.AsSpan(76), (uint)width << 16);
        BinaryPrimitives.WriteUInt32BigEndian(tkhd.AsSpan(80), (uint)height << 16);
        byte[] hdlr = [0, 0, 0, 0, 0, 0, 0, 0, .. Ascii(handler), .. new byte[12], 0];
        return Box("trak", Box("tkhd", tkhd), Box("mdia", Box("hdlr", hdlr)));
    }

    /// <summary>A box with a 32-bit size around the concatenated <paramref name="content"/>.</summary>
    public static byte[] Box(string type, params byte[][] content)
    {
        var body = content.SelectMany(part => part).ToArray();
        var box = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Ascii(type).CopyTo(box, 4);
        body.CopyTo(box, 8);
        return box;
    }

    /// <summary>Ogg Opus: an <c>OpusHead</c> page, an <c>OpusTags</c> page, and one audio page ending at the duration's granule.</summary>
    public static byte[] OggOpus(long durationMs)
    {
        var head = new byte[19];
        Ascii("OpusHead").CopyTo(head, 0);
        head[8] = 1;
        head[9] = 2;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), OpusPreSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), 48000);
        byte[] tags = [.. Ascii("OpusTags"), 5, 0, 0, 0, .. Ascii("roost"), 0, 0, 0, 0];
        var granule = (ulong)(OpusPreSkip + (durationMs * 48));
        return [.. OggPage(0x02, 0, 0, head), .. OggPage(0, 0, 1, tags), .. OggPage(0x04, granule, 2, new byte[300])];
    }

    /// <summary>Ogg Vorbis: an identification header page at the given rate, a comment header page and one audio page.</summary>
    public static byte[] OggVorbis(long durationMs, int sampleRate = 44100)
    {
        var identification = new byte[30];
        Ascii("\u0001vorbis").CopyTo(identification, 0);
        identification[11] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(identification.AsSpan(12), (uint)sampleRate);
        identification[28] = 0xB8;
        identification[29] = 1;
        byte[] comments = [.. Ascii("\u0003vorbis"), 5, 0, 0, 0, .. Ascii("roost"), 0, 0, 0, 0, 1];
        var granule = (ulong)(durationMs * sampleRate / 1000);
        return [.. OggPage(0x02, 0, 0, identification), .. OggPage(0, 0, 1, comments), .. OggPage(0x04, granule, 2, new byte[100])];
    }

    /// <summary>One Ogg page holding one packet, with its lacing and checksum.</summary>
    public static byte[] OggPage(byte flags, ulong granule, uint sequence, byte[] packet)
    {
        var lacing = new List<byte>();
        var left = packet.Length;
        while (left >= 255)
        {
            lacing.Add(255);
            left -= 255;
        }

        lacing.Add((byte)left);
        var page = new byte[27 + lacing.Count + packet.Length];
        Ascii("OggS").CopyTo(page, 0);
        page[5] = flags;
        BinaryPrimitives.WriteUInt64LittleEndian(page.AsSpan(6), granule);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), OggSerial);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), sequence);
        page[26] = (byte)lacing.Count;
        lacing.CopyTo(page, 27);
        packet.CopyTo(page, 27 + lacing.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc(page));
        return page;
    }

    /// <summary>Raw AAC-LC stereo: <paramref name="frames"/> ADTS frames (no CRC) of 1024 samples each.</summary>
    public static byte[] Adts(int frames, int sampleRate)
    {
        var rateIndex = Array.IndexOf(AdtsSampleRates, sampleRate);
        if (rateIndex < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "ADTS has no index for this sample rate.");
        }

        const int frameLength = 7 + 16;
        var file = new byte[frames * frameLength];
        for (var i = 0; i < frames; i++)
        {
            var frame = file.AsSpan(i * frameLength, frameLength);
            frame[0] = 0xFF;
            frame[1] = 0xF1;
            frame[2] = (byte)((1 << 6) | (rateIndex << 2));
            frame[3] = (byte)((2 << 6) | (frameLength >> 11));
            frame[4] = (byte)(frameLength >> 3);
            frame[5] = (byte)(((frameLength & 0x07) << 5) | 0x1F);
            frame[6] = 0xFC;
        }

        return file;
    }

    /// <summary>An ID3v2.4 tag with a body of <paramref name="bodyLength"/> zero bytes, as encoders put before audio.</summary>
    public static byte[] Id3Tag(int bodyLength)
    {
        var tag = new byte[10 + bodyLength];
        Ascii("ID3").CopyTo(tag, 0);
        tag[3] = 4;
        for (var i = 0; i < 4; i++)
        {
            tag[9 - i] = (byte)((bodyLength >> (7 * i)) & 0x7F);
        }

        return tag;
    }

    /// <summary>A one-page PDF with a correct cross-reference table.</summary>
    public static byte[] Pdf()
    {
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append($"{offset:D10} 00000 n \n");
        }

        pdf.Append($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    /// <summary>Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, over the page with its checksum field zero.</summary>
    private static uint OggCrc(byte[] page)
    {
        var crc = 0u;
        for (var i = 0; i < page.Length; i++)
        {
            crc ^= (uint)(i is >= 22 and < 26 ? 0 : page[i]) << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
        }

        return crc;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
