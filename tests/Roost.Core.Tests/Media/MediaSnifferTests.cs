using System.Text;
using Roost.Core.Media;
using Roost.Testing.Media;

namespace Roost.Core.Tests.Media;

public sealed class MediaSnifferTests
{
    [Fact]
    public void Images_are_known_by_their_signatures()
    {
        Assert.Equal(MediaTypes.Jpeg, MediaSniffer.Sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]));
        Assert.Equal(MediaTypes.Png, MediaSniffer.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]));
        Assert.Equal(MediaTypes.Gif, MediaSniffer.Sniff("GIF87a\u0001\u0000"u8));
        Assert.Equal(MediaTypes.Gif, MediaSniffer.Sniff("GIF89a\u0001\u0000"u8));
        Assert.Null(MediaSniffer.Sniff([0xFF, 0xD8]));
        Assert.Null(MediaSniffer.Sniff("GIF88a"u8));
    }

    [Theory]
    [InlineData("RIFF\u0024\u0000\u0000\u0000WEBPVP8 ", true)]
    [InlineData("RIFF\u0024\u0000\u0000\u0000WEBPVP8L", true)]
    [InlineData("RIFF\u0024\u0000\u0000\u0000WEBPVP8X", true)]
    [InlineData("RIFF\u0024\u0000\u0000\u0000WEBPVP9 ", false)]
    [InlineData("RIFF\u0024\u0000\u0000\u0000WAVEfmt ", false)]
    [InlineData("RIFF\u0024\u0000\u0000\u0000WEBPVP8", false)]
    public void Webp_needs_a_vp8_chunk_after_the_riff_header(string head, bool isWebP) =>
        Assert.Equal(isWebP ? MediaTypes.WebP : null, MediaSniffer.Sniff(Encoding.Latin1.GetBytes(head)));

    [Fact]
    public void Pdf_is_known_by_its_header() =>
        Assert.Equal(MediaTypes.Pdf, MediaSniffer.Sniff(TestMediaFiles.Pdf()));

    [Fact]
    public void Iso_media_is_decided_by_its_major_brand()
    {
        Assert.Equal(MediaTypes.Mp4, MediaSniffer.Sniff(TestMediaFiles.Mp4(640, 480, 1000)));
        Assert.Equal(MediaTypes.M4a, MediaSniffer.Sniff(TestMediaFiles.M4a(1000)));
        Assert.Equal(MediaTypes.QuickTime, MediaSniffer.Sniff(TestMediaFiles.FileType("qt  ", "qt  ")));
        Assert.Equal(MediaTypes.M4a, MediaSniffer.Sniff(TestMediaFiles.FileType("M4B ", "isom")));
        Assert.Equal(MediaTypes.Heic, MediaSniffer.Sniff(TestMediaFiles.FileType("heic", "mif1", "heic")));
        Assert.Equal(MediaTypes.Mp4, MediaSniffer.Sniff(TestMediaFiles.FileType("3gp5", "3gp5", "isom")));
        Assert.Equal(MediaTypes.Mp4, MediaSniffer.Sniff(TestMediaFiles.FileType("dash", "iso6")));
    }

    [Fact]
    public void A_generic_major_brand_defers_to_the_compatible_brands()
    {
        Assert.Equal(MediaTypes.Heic, MediaSniffer.Sniff(TestMediaFiles.FileType("mif1", "mif1", "miaf", "heic")));
        Assert.Equal(MediaTypes.Mp4, MediaSniffer.Sniff(TestMediaFiles.FileType("XAVC", "XAVC", "mp42", "iso2")));
        Assert.Null(MediaSniffer.Sniff(TestMediaFiles.FileType("mif1", "mif1", "miaf")));
        Assert.Null(MediaSniffer.Sniff(TestMediaFiles.FileType("abcd")));
    }

    [Fact]
    public void Avif_is_not_taken()
    {
        Assert.Null(MediaSniffer.Sniff(TestMediaFiles.FileType("avif", "avif", "mif1", "miaf")));
        Assert.Null(MediaSniffer.Sniff(TestMediaFiles.FileType("avis", "avis", "msf1")));
        Assert.Null(MediaSniffer.Sniff(TestMediaFiles.FileType("mif1", "avif", "mif1", "heic")));
    }

    [Fact]
    public void Compatible_brands_are_read_only_inside_the_ftyp_box()
    {
        byte[] file = [.. TestMediaFiles.FileType("mif1"), .. Encoding.ASCII.GetBytes("heic")];
        Assert.Null(MediaSniffer.Sniff(file));

        byte[] tooSmall = [0, 0, 0, 12, .. "ftypisom"u8];
        Assert.Null(MediaSniffer.Sniff(tooSmall));
    }

    [Fact]
    public void Ogg_is_taken_only_for_opus_and_vorbis()
    {
        Assert.Equal(MediaTypes.Ogg, MediaSniffer.Sniff(TestMediaFiles.OggOpus(1000)));
        Assert.Equal(MediaTypes.Ogg, MediaSniffer.Sniff(TestMediaFiles.OggVorbis(1000)));
        Assert.Null(MediaSniffer.Sniff(TestMediaFiles.OggPage(0x02, 0, 0, [0x7F, .. "FLAC"u8, 1, 0])));
        Assert.Null(MediaSniffer.Sniff(TestMediaFiles.OggOpus(1000).AsSpan(0, 30)));
    }

    [Fact]
    public void Adts_needs_its_next_frame_to_be_in_sync_too()
    {
        Assert.Equal(MediaTypes.Aac, MediaSniffer.Sniff(TestMediaFiles.Adts(200, 44100)));
        Assert.Equal(MediaTypes.Aac, MediaSniffer.Sniff(TestMediaFiles.Adts(1, 48000)));

        var broken = TestMediaFiles.Adts(2, 44100);
        broken[23] = 0x12;
        Assert.Null(MediaSniffer.Sniff(broken));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x64, 0x00, 0x00, 0x00 })]
    [InlineData(new byte[] { 0xFF, 0xF1, 0x7C, 0x80, 0x02, 0xFF, 0xFC })]
    [InlineData(new byte[] { 0xFF, 0xF1, 0x50, 0x80, 0x00, 0x1F, 0xFC })]
    public void Headers_that_are_not_adts_are_refused(byte[] head) =>
        Assert.Null(MediaSniffer.Sniff(head));

    [Fact]
    public void An_id3_tag_before_adts_is_skipped_when_it_ends_inside_the_head()
    {
        Assert.Equal(MediaTypes.Aac, MediaSniffer.Sniff([.. TestMediaFiles.Id3Tag(300), .. TestMediaFiles.Adts(10, 44100)]));

        byte[] longTag = [.. TestMediaFiles.Id3Tag(MediaSniffer.HeadLength), .. TestMediaFiles.Adts(10, 44100)];
        Assert.Null(MediaSniffer.Sniff(longTag));

        byte[] notSyncsafe = [.. TestMediaFiles.Id3Tag(30), .. TestMediaFiles.Adts(10, 44100)];
        notSyncsafe[9] = 0x80;
        Assert.Null(MediaSniffer.Sniff(notSyncsafe));
    }

    [Fact]
    public void Only_the_head_decides_however_much_the_caller_passes()
    {
        byte[] file = [.. TestMediaFiles.Id3Tag(MediaSniffer.HeadLength + 100), .. TestMediaFiles.Adts(10, 44100)];
        Assert.Null(MediaSniffer.Sniff(file));
    }

    [Fact]
    public void Unknown_and_empty_content_has_no_type()
    {
        Assert.Null(MediaSniffer.Sniff([]));
        Assert.Null(MediaSniffer.Sniff("hello, world"u8));
        Assert.Null(MediaSniffer.Sniff("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8));
        Assert.Null(MediaSniffer.Sniff([0x1A, 0x45, 0xDF, 0xA3]));
    }

    [Fact]
    public void Every_prefix_of_every_file_and_random_bytes_are_sniffed_without_throwing()
    {
        byte[][] files =
        [
            TestMediaFiles.Mp4(16, 16, 10), TestMediaFiles.M4a(10), TestMediaFiles.OggOpus(10), TestMediaFiles.OggVorbis(10),
            TestMediaFiles.Adts(3, 8000), [.. TestMediaFiles.Id3Tag(20), .. TestMediaFiles.Adts(3, 8000)], TestMediaFiles.Pdf(),
        ];
        foreach (var file in files)
        {
            for (var length = 0; length <= file.Length; length++)
            {
                _ = MediaSniffer.Sniff(file.AsSpan(0, length));
            }
        }

        var random = new Random(7);
        var bytes = new byte[64];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(bytes);
            bytes[0] = (byte)"\u00FFOIGR%\u0000"[i % 7];
            _ = MediaSniffer.Sniff(bytes.AsSpan(0, random.Next(bytes.Length + 1)));
        }
    }
}
