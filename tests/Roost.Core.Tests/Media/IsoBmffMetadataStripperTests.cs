using System.Buffers.Binary;
using System.Text;
using Roost.Core.Media;
using Roost.Testing.Media;

namespace Roost.Core.Tests.Media;

public sealed class IsoBmffMetadataStripperTests
{
    private static readonly byte[] XmpUuid = Convert.FromHexString("BE7ACFCB97A942E89C71999491E3AFAC");

    [Fact]
    public void A_phone_videos_location_is_gone_and_nothing_else_moved()
    {
        var original = TestMediaFiles.Mp4WithLocation(1920, 1080, 4_000);
        Assert.True(Contains(original, Latin1("©xyz")));
        Assert.True(Contains(original, Latin1(TestMediaFiles.Iso6709Location)));

        var stripped = Strip(original);

        Assert.Equal(original.Length, stripped.Length);
        Assert.False(Contains(stripped, Latin1("©xyz")));
        Assert.False(Contains(stripped, Latin1("©too")));
        Assert.False(Contains(stripped, Latin1(TestMediaFiles.Iso6709Location)));
        Assert.False(Contains(stripped, Latin1(TestMediaFiles.AppleLocationKey)));
        Assert.False(Contains(stripped, "udta"u8));
        Assert.False(Contains(stripped, "meta"u8));

        // The samples sit where they were, and the chunk offset still points at them.
        var mdat = original.AsSpan().IndexOf("mdat"u8) - 4;
        Assert.Equal(mdat, stripped.AsSpan().IndexOf("mdat"u8) - 4);
        Assert.Equal(original[mdat..], stripped[mdat..]);
        var stco = stripped.AsSpan().IndexOf("stco"u8);
        Assert.Equal(mdat + 8, (int)BinaryPrimitives.ReadUInt32BigEndian(stripped.AsSpan(stco + 12)));
        Assert.Equal(new MediaDetails(1920, 1080, 4_000), MediaProbe.Probe(new MemoryStream(stripped), MediaTypes.QuickTime));
    }

    [Fact]
    public void Each_metadata_box_becomes_a_zeroed_free_box_of_its_size_and_every_other_byte_is_kept()
    {
        var original = TestMediaFiles.Mp4WithLocation(640, 480, 1_000);
        var stripped = Strip(original);

        var differences = Enumerable.Range(0, original.Length).Where(i => original[i] != stripped[i]).ToList();
        Assert.NotEmpty(differences);
        var free = AllIndexes(stripped, "free"u8);
        Assert.Equal(3, free.Count); // moov/udta, moov/meta, trak/udta.
        foreach (var at in free)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(stripped.AsSpan(at - 4));
            Assert.Equal(size, (int)BinaryPrimitives.ReadUInt32BigEndian(original.AsSpan(at - 4)));
            Assert.All(stripped[(at + 4)..(at - 4 + size)], b => Assert.Equal(0, b));
        }

        Assert.All(differences, i => Assert.Contains(free, at => i >= at && i < at - 4 + BinaryPrimitives.ReadUInt32BigEndian(stripped.AsSpan(at - 4))));
    }

    [Fact]
    public void Top_level_metadata_and_xmp_uuid_boxes_are_blanked_and_other_uuid_boxes_kept()
    {
        var xmp = Encoding.UTF8.GetBytes("<x:xmpmeta><exif:GPSLatitude>48,51.5N</exif:GPSLatitude></x:xmpmeta>");
        byte[] otherUuid = [.. Enumerable.Range(1, 16).Select(i => (byte)i), 9, 9, 9];
        byte[] file =
        [
            .. TestMediaFiles.FileType("isom", "isom"),
            .. TestMediaFiles.Box("uuid", XmpUuid, xmp),
            .. TestMediaFiles.Box("moov", TestMediaFiles.MovieHeader(1000, 500), TestMediaFiles.Box("uuid", XmpUuid, xmp)),
            .. TestMediaFiles.Box("meta", [0, 0, 0, 0], TestMediaFiles.Box("xml ", xmp)),
            .. TestMediaFiles.Box("udta", TestMediaFiles.LocationAtom()),
            .. TestMediaFiles.Box("uuid", otherUuid),
            .. TestMediaFiles.Box("mdat", [1, 2, 3]),
        ];

        var stripped = Strip(file);

        Assert.Equal(file.Length, stripped.Length);
        Assert.False(Contains(stripped, "GPSLatitude"u8));
        Assert.False(Contains(stripped, XmpUuid));
        Assert.False(Contains(stripped, Latin1(TestMediaFiles.Iso6709Location)));
        Assert.Equal(4, AllIndexes(stripped, "free"u8).Count);
        Assert.True(Contains(stripped, [.. "uuid"u8, .. otherUuid]));
        Assert.Equal(500, MediaProbe.Probe(new MemoryStream(stripped), MediaTypes.Mp4).DurationMs);
    }

    [Fact]
    public void Boxes_with_64_bit_sizes_and_a_last_box_to_the_end_of_the_file_are_handled()
    {
        var moovContent = (byte[])[.. TestMediaFiles.MovieHeader(1000, 2_000), .. Large("udta", TestMediaFiles.LocationAtom())];
        byte[] file =
        [
            .. TestMediaFiles.FileType("isom", "isom"),
            .. Large("moov", moovContent),
            .. Large("mdat", [.. Enumerable.Range(0, 300).Select(i => (byte)i)]),
            .. Large("udta", TestMediaFiles.LocationAtom()),
            0, 0, 0, 0, .. "mdat"u8, .. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)),
        ];

        var stripped = Strip(file);

        Assert.Equal(file.Length, stripped.Length);
        Assert.False(Contains(stripped, Latin1("©xyz")));
        Assert.Equal(2, AllIndexes(stripped, "free"u8).Count);
        var firstFree = stripped.AsSpan().IndexOf("free"u8);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(stripped.AsSpan(firstFree - 4))); // Still a 64-bit header.
        Assert.Equal(file[^200_008..], stripped[^200_008..]);
        Assert.Equal(2_000, MediaProbe.Probe(new MemoryStream(stripped), MediaTypes.Mp4).DurationMs);

        byte[] moovToEnd = [.. TestMediaFiles.FileType("isom"), 0, 0, 0, 0, .. "moov"u8, .. TestMediaFiles.Box("udta", TestMediaFiles.LocationAtom())];
        var strippedToEnd = Strip(moovToEnd);
        Assert.Equal(moovToEnd.Length, strippedToEnd.Length);
        Assert.False(Contains(strippedToEnd, Latin1("©xyz")));
    }

    [Fact]
    public void An_m4as_itunes_tags_after_its_samples_are_blanked()
    {
        var title = Encoding.UTF8.GetBytes("Voice memo, Rue de Rivoli");
        var tags = TestMediaFiles.Box("udta", TestMediaFiles.Box("meta", [0, 0, 0, 0], TestMediaFiles.Box("ilst", TestMediaFiles.Box("©nam", TestMediaFiles.Box("data", [0, 0, 0, 1, 0, 0, 0, 0], title)))));
        byte[] m4a =
        [
            .. TestMediaFiles.FileType("M4A ", "M4A ", "mp42", "isom"),
            .. TestMediaFiles.Box("mdat", [.. Enumerable.Range(0, 5000).Select(i => (byte)(i % 251))]),
            .. TestMediaFiles.Box("moov", TestMediaFiles.MovieHeader(44100, 44100 * 9), TestMediaFiles.Track("soun", 0, 0), tags),
        ];

        var stripped = Strip(m4a);

        Assert.Equal(m4a.Length, stripped.Length);
        Assert.False(Contains(stripped, title));
        Assert.False(Contains(stripped, Latin1("©nam")));
        Assert.Equal(m4a[..^tags.Length], stripped[..^tags.Length]);
        Assert.Equal(new MediaDetails(null, null, 9_000), MediaProbe.Probe(new MemoryStream(stripped), MediaTypes.M4a));
    }

    [Fact]
    public void A_file_without_metadata_is_copied_unchanged() =>
        Assert.Equal(TestMediaFiles.Mp4(320, 240, 1_000), Strip(TestMediaFiles.Mp4(320, 240, 1_000)));

    [Fact]
    public void Boxes_that_overrun_or_a_file_cut_short_are_refused_as_undecodable()
    {
        var good = TestMediaFiles.Mp4WithLocation(64, 48, 1_000);
        var moov = good.AsSpan().IndexOf("moov"u8) - 4;

        var truncated = good[..^10];
        Assert.Equal(MediaErrorCodes.Undecodable, Assert.Throws<MediaStructureException>(() => Strip(truncated)).Code);

        var childOverruns = (byte[])good.Clone();
        var mvhd = childOverruns.AsSpan().IndexOf("mvhd"u8) - 4;
        BinaryPrimitives.WriteUInt32BigEndian(childOverruns.AsSpan(mvhd), 0x00FF_FFFF);
        Assert.Equal(MediaErrorCodes.Undecodable, Assert.Throws<MediaStructureException>(() => Strip(childOverruns)).Code);

        var tooSmall = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(tooSmall.AsSpan(moov), 4);
        Assert.Equal(MediaErrorCodes.Undecodable, Assert.Throws<MediaStructureException>(() => Strip(tooSmall)).Code);

        byte[] hugeLargeSize = [.. TestMediaFiles.FileType("isom"), 0, 0, 0, 1, .. "mdat"u8, 0xFF, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(MediaErrorCodes.Undecodable, Assert.Throws<MediaStructureException>(() => Strip(hugeLargeSize)).Code);
    }

    [Fact]
    public void A_movie_index_over_the_cap_is_refused_as_too_large()
    {
        var file = TestMediaFiles.Mp4WithLocation(64, 48, 1_000);
        var moovSize = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(file.AsSpan().IndexOf("moov"u8) - 4));
        var refused = Assert.Throws<MediaStructureException>(() => IsoBmffMetadataStripper.Strip(new MemoryStream(file), new MemoryStream(), moovSize - 1));
        Assert.Equal(MediaErrorCodes.TooLarge, refused.Code);
        IsoBmffMetadataStripper.Strip(new MemoryStream(file), new MemoryStream(), moovSize);
    }

    private static byte[] Strip(byte[] file)
    {
        using var output = new MemoryStream();
        IsoBmffMetadataStripper.Strip(new TrickleStream(file), output);
        return output.ToArray();
    }

    /// <summary>A box with a 64-bit size header.</summary>
    private static byte[] Large(string type, byte[] content)
    {
        var box = new byte[16 + content.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, 1);
        Encoding.Latin1.GetBytes(type).CopyTo(box, 4);
        BinaryPrimitives.WriteUInt64BigEndian(box.AsSpan(8), (ulong)box.Length);
        content.CopyTo(box, 16);
        return box;
    }

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static List<int> AllIndexes(byte[] haystack, ReadOnlySpan<byte> needle)
    {
        var found = new List<int>();
        for (var at = haystack.AsSpan().IndexOf(needle); at >= 0;)
        {
            found.Add(at);
            var next = haystack.AsSpan(at + 1).IndexOf(needle);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return found;
    }
}
