using System.Buffers.Binary;
using System.Text;
using Roost.Core.Media;
using Roost.Testing.Media;

namespace Roost.Core.Tests.Media;

public sealed class OggCommentStripperTests
{
    private const string Location = "LOCATION=+48.8584+002.2945/";

    private static readonly byte[] EmptyOpusTags = [.. "OpusTags"u8, 0, 0, 0, 0, 0, 0, 0, 0];

    private static readonly byte[] EmptyVorbisComments = [.. "\u0003vorbis"u8, 0, 0, 0, 0, 0, 0, 0, 0, 1];

    [Fact]
    public void An_opus_voice_notes_tags_are_emptied_and_its_audio_pages_kept()
    {
        var original = TestMediaFiles.OggOpus(3_000, Location, "TITLE=Meeting");
        var pages = Pages(original);

        var stripped = Strip(original);

        Assert.False(Contains(stripped, Encoding.ASCII.GetBytes(Location)));
        Assert.False(Contains(stripped, "roost"u8));
        Assert.Equal([.. pages[0], .. TestMediaFiles.OggPage(0, 0, 1, EmptyOpusTags), .. pages[2]], stripped);
        Assert.Equal(3_000, MediaProbe.Probe(new MemoryStream(stripped), MediaTypes.Ogg).DurationMs);
    }

    [Fact]
    public void A_vorbis_comment_header_is_emptied_and_the_setup_header_on_its_page_kept()
    {
        var original = TestMediaFiles.OggVorbis(2_500, 48000, Location);
        var pages = Pages(original);

        var stripped = Strip(original);

        Assert.False(Contains(stripped, Encoding.ASCII.GetBytes(Location)));
        byte[] headers = TestMediaFiles.OggRawPage(
            0, 0, 1, [.. TestMediaFiles.Lacing(EmptyVorbisComments.Length), .. TestMediaFiles.Lacing(TestMediaFiles.VorbisSetup.Length)], [.. EmptyVorbisComments, .. TestMediaFiles.VorbisSetup]);
        Assert.Equal([.. pages[0], .. headers, .. pages[2]], stripped);
        Assert.Equal(2_500, MediaProbe.Probe(new MemoryStream(stripped), MediaTypes.Ogg).DurationMs);
    }

    [Fact]
    public void Tags_over_several_pages_shrink_to_one_and_later_pages_are_renumbered_with_new_checksums()
    {
        var picture = "METADATA_BLOCK_PICTURE=" + new string('A', 100_000);
        var opus = Pages(TestMediaFiles.OggOpus(1_000));
        byte[] tags = [.. "OpusTags"u8, .. TestMediaFiles.CommentList(picture)];
        var lacing = TestMediaFiles.Lacing(tags.Length);
        var firstPart = 255 * 255;
        byte[] original =
        [
            .. opus[0],
            .. TestMediaFiles.OggRawPage(0, ulong.MaxValue, 1, lacing[..255], tags[..firstPart]),
            .. TestMediaFiles.OggRawPage(0x01, 0, 2, lacing[255..], tags[firstPart..]),
            .. TestMediaFiles.OggPage(0, 48_000, 3, new byte[400]),
            .. TestMediaFiles.OggPage(0x04, 48_000 + 312 + 48_000, 4, new byte[300]),
        ];

        var stripped = Pages(Strip(original));

        Assert.Equal(4, stripped.Count);
        Assert.Equal(TestMediaFiles.OggPage(0, 0, 1, EmptyOpusTags), stripped[1]);
        Assert.Equal(TestMediaFiles.OggPage(0, 48_000, 2, new byte[400]), stripped[2]);
        Assert.Equal(TestMediaFiles.OggPage(0x04, 48_000 + 312 + 48_000, 3, new byte[300]), stripped[3]);
    }

    [Fact]
    public void Cut_off_pages_garbage_and_audio_on_a_header_page_are_refused_as_undecodable()
    {
        var opus = TestMediaFiles.OggOpus(1_000, Location);
        var pages = Pages(opus);
        byte[] tags = [.. "OpusTags"u8, .. TestMediaFiles.CommentList()];
        byte[][] malformed =
        [
            opus[..^10],
            [.. pages[0], .. pages[1], .. "not a page at all, just text"u8],
            pages[0], // Ends inside its headers.
            [.. pages[0], .. TestMediaFiles.OggRawPage(0, 0, 1, [.. TestMediaFiles.Lacing(tags.Length), 10], [.. tags, .. new byte[10]]), .. pages[2]],
            [.. TestMediaFiles.OggRawPage(0x02, 0, 0, [255], [.. "OpusHead"u8, .. new byte[247]]), .. pages[1], .. pages[2]],
        ];
        foreach (var file in malformed)
        {
            Assert.Equal(MediaErrorCodes.Undecodable, Assert.Throws<MediaStructureException>(() => Strip(file)).Code);
        }
    }

    private static byte[] Strip(byte[] file)
    {
        using var output = new MemoryStream();
        OggCommentStripper.Strip(new TrickleStream(file), output);
        return output.ToArray();
    }

    /// <summary>The file cut into its pages, each checked whole and with a right checksum.</summary>
    private static List<byte[]> Pages(byte[] file)
    {
        var pages = new List<byte[]>();
        for (var at = 0; at < file.Length;)
        {
            Assert.True(OggPage.TryReadHeader(file.AsSpan(at), out var page));
            Assert.True(OggPage.HasValidChecksum(file.AsSpan(at), page));
            pages.Add(file[at..(at + page.Length)]);
            at += page.Length;
        }

        return pages;
    }

    private static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
