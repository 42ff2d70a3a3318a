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

    /// <summary>Where the located test videos were recorded, as an ISO 6709 string (the Eiffel Tower).</summary>
    public const string Iso6709Location = "+48.8584+002.2945+035.000/";

    /// <summary>The key under which Apple's cameras store the location in <c>moov/meta</c>.</summary>
    public const string AppleLocationKey = "com.apple.quicktime.location.ISO6709";

    /// <summary>
    /// A phone video: <c>ftyp</c>, a <c>moov</c> whose <c>udta</c> holds <c>©xyz</c> and whose <c>meta</c> holds Apple's
    /// location key, a video track with its own <c>udta</c>, and an <c>mdat</c> of <paramref name="sampleBytes"/>
    /// numbered bytes that the track's <c>stco</c> points at.
    /// </summary>
    public static byte[] Mp4WithLocation(int width, int height, long durationMs, int sampleBytes = 1000)
    {
        var ftyp = FileType("qt  ", "qt  ");
        byte[] Build(uint chunkOffset) => Box(
            "moov",
            MovieHeader(1000, (ulong)durationMs),
            TrackWith(Track("vide", width, height), Box("stco", [0, 0, 0, 0, 0, 0, 0, 1, .. BigEndian(chunkOffset)]), Box("udta", LocationAtom())),
            Box("udta", LocationAtom(), Box("©too", Ascii("Lavf60.3.100"))),
            AppleLocationMeta());
        var moov = Build(0);
        moov = Build((uint)(ftyp.Length + moov.Length + 8));
        var samples = Enumerable.Range(0, sampleBytes).Select(i => (byte)i).ToArray();
        return [.. ftyp, .. moov, .. Box("mdat", samples)];
    }

    /// <summary>QuickTime's <c>©xyz</c> user data atom: a 16-bit length, a language code, the ISO 6709 string.</summary>
    public static byte[] LocationAtom()
    {
        var text = Ascii(Iso6709Location);
        return Box("©xyz", [.. BigEndian((ushort)text.Length), 0x15, 0xC7, .. text]);
    }

    /// <summary>A QuickTime <c>meta</c> with <c>hdlr mdta</c>, one key (Apple's location) and its UTF-8 value in <c>ilst</c>.</summary>
    public static byte[] AppleLocationMeta()
    {
        byte[] hdlr = [0, 0, 0, 0, 0, 0, 0, 0, .. Ascii("mdta"), .. new byte[12], 0];
        var key = Ascii(AppleLocationKey);
        byte[] keys = [0, 0, 0, 0, .. BigEndian(1u), .. BigEndian((uint)(8 + key.Length)), .. Ascii("mdta"), .. key];
        var item = Box("data", [0, 0, 0, 1, 0, 0, 0, 0, .. Ascii(Iso6709Location)]);
        byte[] ilst = [.. BigEndian((uint)(8 + item.Length)), 0, 0, 0, 1, .. item];
        return Box("meta", Box("hdlr", hdlr), Box("keys", keys), Box("ilst", ilst));
    }

    /// <summary>The GIF comment of <see cref="Gif"/>'s located variant.</summary>
    public const string GifComment = "Shot at +48.8584+002.2945 by Alice";

    /// <summary>
    /// A 2×2 GIF89a with two frames of different pixels (4-color global table), each behind a graphic control extension
    /// (delay 0.1 s), looping forever (NETSCAPE2.0); optionally a comment, an XMP application extension and a
    /// plain-text extension with its own graphic control, as editors leave them.
    /// </summary>
    public static byte[] Gif(bool withMetadata = false, bool trailer = true)
    {
        var gif = new List<byte>();
        gif.AddRange(Ascii("GIF89a"));
        gif.AddRange([2, 0, 2, 0, 0x81, 0, 0]); // 2×2, global table of 4 entries.
        gif.AddRange([0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255]);
        gif.AddRange(GifLoopExtension);
        if (withMetadata)
        {
            gif.AddRange(GifExtension(0xFE, Ascii(GifComment)));
            gif.AddRange(GifExtension(0xFF, [.. Ascii("XMP DataXMP"), .. Ascii("<x:xmpmeta><exif:GPSLatitude>48,51.5N</exif:GPSLatitude></x:xmpmeta>")]));
        }

        gif.AddRange(GifFrame([0, 1, 1, 0]));
        if (withMetadata)
        {
            gif.AddRange(GifControl);
            gif.AddRange(GifExtension(0x01, [0, 0, 0, 0, 2, 0, 2, 0, 1, 1, 0, 1, .. Ascii("hi")]));
        }

        gif.AddRange(GifFrame([2, 3, 3, 2]));
        if (trailer)
        {
            gif.Add(0x3B);
        }

        return [.. gif];
    }

    /// <summary>NETSCAPE2.0 with a loop count of 0 (forever).</summary>
    public static byte[] GifLoopExtension => [0x21, 0xFF, 11, .. Ascii("NETSCAPE2.0"), 3, 1, 0, 0, 0];

    /// <summary>A graphic control extension: no transparency, 10/100 s delay.</summary>
    public static byte[] GifControl => [0x21, 0xF9, 4, 0x04, 10, 0, 0, 0];

    /// <summary>A graphic control extension and one full-screen 2×2 frame (LZW, minimum code size 2).</summary>
    public static byte[] GifFrame(byte[] pixels) =>
        [.. GifControl, 0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0, 2, .. GifSubBlocks(GifLzw(pixels))];

    /// <summary>
    /// An extension with the given label, its data cut into sub-blocks; the fixed first block is its own sub-block
    /// (an application's 11-byte identifier, plain text's 12-byte text grid).
    /// </summary>
    public static byte[] GifExtension(byte label, byte[] data)
    {
        var first = label switch { 0xFF => 11, 0x01 => 12, _ => 0 };
        return first == 0 ? [0x21, label, .. GifSubBlocks(data)] : [0x21, label, (byte)first, .. data[..first], .. GifSubBlocks(data[first..])];
    }

    private static byte[] GifSubBlocks(byte[] data)
    {
        var blocks = new List<byte>();
        for (var i = 0; i < data.Length; i += 255)
        {
            var length = Math.Min(255, data.Length - i);
            blocks.Add((byte)length);
            blocks.AddRange(data.AsSpan(i, length).ToArray());
        }

        blocks.Add(0);
        return [.. blocks];
    }

    /// <summary>
    /// LZW with a clear code before every pixel, so every code stays 3 bits (minimum code size 2): valid for any
    /// decoder and needing no dictionary. Codes are packed least significant bit first.
    /// </summary>
    private static byte[] GifLzw(byte[] pixels)
    {
        const int clear = 4, end = 5;
        var codes = pixels.SelectMany(p => new[] { clear, (int)p }).Append(end).ToArray();
        var bytes = new byte[((codes.Length * 3) + 7) / 8];
        for (var i = 0; i < codes.Length; i++)
        {
            for (var bit = 0; bit < 3; bit++)
            {
                if ((codes[i] & (1 << bit)) != 0)
                {
                    var at = (i * 3) + bit;
                    bytes[at / 8] |= (byte)(1 << (at % 8));
                }
            }
        }

        return bytes;
    }

    /// <summary>Adds boxes at the end of a <c>trak</c> built by <see cref="Track"/>.</summary>
    private static byte[] TrackWith(byte[] trak, params byte[][] boxes) => Box("trak", [trak[8..], .. boxes]);

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] BigEndian(ushort value) => [(byte)(value >> 8), (byte)value];

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
        Encoding.Latin1.GetBytes(type).CopyTo(box, 4); // Latin-1: QuickTime's user data types start with © (0xA9).
        body.CopyTo(box, 8);
        return box;
    }

    /// <summary>Ogg Opus: an <c>OpusHead</c> page, an <c>OpusTags</c> page, and one audio page ending at the duration's granule.</summary>
    public static byte[] OggOpus(long durationMs, params string[] comments)
    {
        var head = new byte[19];
        Ascii("OpusHead").CopyTo(head, 0);
        head[8] = 1;
        head[9] = 2;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), OpusPreSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), 48000);
        byte[] tags = [.. Ascii("OpusTags"), .. CommentList(comments)];
        var granule = (ulong)(OpusPreSkip + (durationMs * 48));
        return [.. OggPage(0x02, 0, 0, head), .. OggPage(0, 0, 1, tags), .. OggPage(0x04, granule, 2, new byte[300])];
    }

    /// <summary>
    /// Ogg Vorbis: an identification header page at the given rate, a page holding the comment and setup headers (as
    /// encoders write them), and one audio page.
    /// </summary>
    public static byte[] OggVorbis(long durationMs, int sampleRate = 44100, params string[] comments)
    {
        var identification = new byte[30];
        Ascii("\u0001vorbis").CopyTo(identification, 0);
        identification[11] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(identification.AsSpan(12), (uint)sampleRate);
        identification[28] = 0xB8;
        identification[29] = 1;
        byte[] commentHeader = [.. Ascii("\u0003vorbis"), .. CommentList(comments), 1];
        var granule = (ulong)(durationMs * sampleRate / 1000);
        return
        [
            .. OggPage(0x02, 0, 0, identification),
            .. OggRawPage(0, 0, 1, [.. Lacing(commentHeader.Length), .. Lacing(VorbisSetup.Length)], [.. commentHeader, .. VorbisSetup]),
            .. OggPage(0x04, granule, 2, new byte[100]),
        ];
    }

    /// <summary>A stand-in for Vorbis's setup header (codebooks): its type and name, then bytes no probe reads.</summary>
    public static byte[] VorbisSetup => [.. Ascii("\u0005vorbis"), .. Enumerable.Range(0, 600).Select(i => (byte)(i * 31))];

    /// <summary>A Vorbis comment list (Opus uses it too): the vendor "roost", then each comment, lengths little-endian.</summary>
    public static byte[] CommentList(params string[] comments)
    {
        var list = new List<byte>();
        void Add(byte[] value)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)value.Length);
            list.AddRange(length);
            list.AddRange(value);
        }

        Add(Ascii("roost"));
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(count, (uint)comments.Length);
        list.AddRange(count);
        foreach (var comment in comments)
        {
            Add(Encoding.UTF8.GetBytes(comment));
        }

        return [.. list];
    }

    /// <summary>The lacing values of one whole packet: a 255 per full segment, then the rest (0 when it divides evenly).</summary>
    public static byte[] Lacing(int packetLength) => [.. Enumerable.Repeat((byte)255, packetLength / 255), (byte)(packetLength % 255)];

    /// <summary>One Ogg page from its lacing values and body as given (several packets, or part of one), with its checksum.</summary>
    public static byte[] OggRawPage(byte flags, ulong granule, uint sequence, byte[] lacing, byte[] body)
    {
        var page = new byte[27 + lacing.Length + body.Length];
        Ascii("OggS").CopyTo(page, 0);
        page[5] = flags;
        BinaryPrimitives.WriteUInt64LittleEndian(page.AsSpan(6), granule);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(14), OggSerial);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(18), sequence);
        page[26] = (byte)lacing.Length;
        lacing.CopyTo(page, 27);
        body.CopyTo(page, 27 + lacing.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), OggCrc(page));
        return page;
    }

    /// <summary>One Ogg page holding one packet, with its lacing and checksum.</summary>
    public static byte[] OggPage(byte flags, ulong granule, uint sequence, byte[] packet) =>
        OggRawPage(flags, granule, sequence, Lacing(packet.Length), packet);

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
