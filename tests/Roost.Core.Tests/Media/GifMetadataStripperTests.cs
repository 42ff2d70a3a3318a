using System.Text;
using Roost.Core.Media;
using Roost.Testing.Media;

namespace Roost.Core.Tests.Media;

public sealed class GifMetadataStripperTests
{
    private static readonly byte[] Screen = TestMediaFiles.Gif()[..25]; // Header, screen descriptor, 4-color table.

    [Fact]
    public void Comments_xmp_and_plain_text_are_dropped_and_the_loop_and_frames_kept_byte_for_byte()
    {
        var original = TestMediaFiles.Gif(withMetadata: true);
        Assert.True(Contains(original, Encoding.ASCII.GetBytes(TestMediaFiles.GifComment)));

        var stripped = Strip(original);

        Assert.False(Contains(stripped, Encoding.ASCII.GetBytes(TestMediaFiles.GifComment)));
        Assert.False(Contains(stripped, "XMP DataXMP"u8));
        Assert.False(Contains(stripped, "GPSLatitude"u8));
        Assert.False(Contains(stripped, [0x21, 0x01]));
        byte[] expected =
        [
            .. Screen,
            .. TestMediaFiles.GifLoopExtension,
            .. TestMediaFiles.GifFrame([0, 1, 1, 0]),
            .. TestMediaFiles.GifFrame([2, 3, 3, 2]),
            0x3B,
        ];
        Assert.Equal(expected, stripped);
        Assert.Equal(TestMediaFiles.Gif(), stripped);
    }

    [Fact]
    public void A_gif_without_metadata_is_copied_unchanged_and_one_without_a_trailer_gets_one()
    {
        Assert.Equal(TestMediaFiles.Gif(), Strip(TestMediaFiles.Gif()));
        Assert.Equal(TestMediaFiles.Gif(), Strip(TestMediaFiles.Gif(trailer: false)));
    }

    [Fact]
    public void The_animexts_loop_local_color_tables_and_gif87a_are_kept_and_bytes_after_the_trailer_dropped()
    {
        byte[] animexts = [0x21, 0xFF, 11, .. "ANIMEXTS1.0"u8, 3, 1, 5, 0, 0];
        byte[] icc = [0x21, 0xFF, 11, .. "ICCRGBG1012"u8, 4, 1, 2, 3, 4, 0];
        byte[] withLocalTable = [0x2C, 0, 0, 0, 0, 2, 0, 2, 0, 0x80, 1, 2, 3, 4, 5, 6, 2, 2, 0x44, 0x01, 0];
        byte[] gif87 = [.. "GIF87a"u8, .. Screen[6..]];
        byte[] file = [.. gif87, .. animexts, .. icc, .. withLocalTable, 0x3B, .. "trailing secret"u8];

        Assert.Equal([.. gif87, .. animexts, .. withLocalTable, 0x3B], Strip(file));
    }

    [Fact]
    public void Files_that_are_not_gifs_or_end_inside_a_block_are_refused_as_undecodable()
    {
        var gif = TestMediaFiles.Gif(withMetadata: true);
        byte[][] malformed =
        [
            [.. "GIF90a"u8, .. gif[6..]],
            gif[..10],
            gif[..20], // Inside the color table.
            gif[..^5], // Inside the last frame's data.
            gif[..Screen.Length], // No frame at all.
            [.. Screen, 0x00, 0x3B], // An unknown block.
            [.. Screen, 0x21, 0xF9, 200, .. new byte[200], 200, .. new byte[200], 0, 0x3B], // A graphic control far too long.
        ];
        foreach (var file in malformed)
        {
            Assert.Equal(MediaErrorCodes.Undecodable, Assert.Throws<MediaStructureException>(() => Strip(file)).Code);
        }
    }

    private static byte[] Strip(byte[] file)
    {
        using var output = new MemoryStream();
        GifMetadataStripper.Strip(new TrickleStream(file), output);
        return output.ToArray();
    }

    private static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
