using System.Buffers.Binary;
using Roost.Core.Media;
using Roost.Testing.Media;

namespace Roost.Core.Tests.Media;

public sealed class MediaProbeTests
{
    [Fact]
    public void An_mp4_gives_its_video_size_and_duration() =>
        Assert.Equal(new MediaDetails(1280, 720, 61_500), Probe(TestMediaFiles.Mp4(1280, 720, 61_500), MediaTypes.Mp4));

    [Fact]
    public void An_m4a_gives_its_duration_only() =>
        Assert.Equal(new MediaDetails(null, null, 4_321), Probe(TestMediaFiles.M4a(4_321), MediaTypes.M4a));

    [Fact]
    public void Quicktime_is_read_like_mp4()
    {
        byte[] mov = [.. TestMediaFiles.FileType("qt  ", "qt  "), .. TestMediaFiles.Box("moov", TestMediaFiles.MovieHeader(600, 600 * 3), TestMediaFiles.Track("vide", 1920, 1080))];
        Assert.Equal(new MediaDetails(1920, 1080, 3_000), Probe(mov, MediaTypes.QuickTime));
    }

    [Fact]
    public void The_size_is_the_first_video_tracks_as_displayed()
    {
        byte[] file =
        [
            .. TestMediaFiles.FileType("isom"),
            .. TestMediaFiles.Box(
                "moov",
                TestMediaFiles.Track("soun", 0, 0),
                TestMediaFiles.Track("vide", 1920, 1080, rotated: true),
                TestMediaFiles.Track("vide", 320, 240),
                TestMediaFiles.MovieHeader(1000, 2_000)),
        ];
        Assert.Equal(new MediaDetails(1080, 1920, 2_000), Probe(file, MediaTypes.Mp4));
    }

    [Fact]
    public void Version_1_movie_headers_and_64_bit_box_sizes_are_read()
    {
        var mvhd = new byte[112];
        mvhd[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(20), 90_000);
        BinaryPrimitives.WriteUInt64BigEndian(mvhd.AsSpan(24), 90_000UL * 7_200);
        var moovContent = TestMediaFiles.Box("mvhd", mvhd);
        var largeMoov = new byte[16 + moovContent.Length];
        BinaryPrimitives.WriteUInt32BigEndian(largeMoov, 1);
        "moov"u8.CopyTo(largeMoov.AsSpan(4));
        BinaryPrimitives.WriteUInt64BigEndian(largeMoov.AsSpan(8), (ulong)largeMoov.Length);
        moovContent.CopyTo(largeMoov, 16);

        byte[] file = [.. TestMediaFiles.FileType("isom"), .. largeMoov];
        Assert.Equal(new MediaDetails(null, null, 7_200_000), Probe(file, MediaTypes.Mp4));
    }

    [Fact]
    public void A_box_of_size_zero_runs_to_the_end()
    {
        byte[] file = [.. TestMediaFiles.Mp4(64, 48, 1_000)[..^16], 0, 0, 0, 0, .. "mdat"u8, .. new byte[100]];
        Assert.Equal(new MediaDetails(64, 48, 1_000), Probe(file, MediaTypes.Mp4));

        byte[] moovToEnd = [.. TestMediaFiles.FileType("isom"), 0, 0, 0, 0, .. "moov"u8, .. TestMediaFiles.MovieHeader(1000, 5)];
        Assert.Equal(new MediaDetails(null, null, 5), Probe(moovToEnd, MediaTypes.Mp4));
    }

    [Fact]
    public void Unknown_durations_and_boxes_that_overrun_give_nulls()
    {
        byte[] unknown = [.. TestMediaFiles.FileType("isom"), .. TestMediaFiles.Box("moov", TestMediaFiles.MovieHeader(1000, uint.MaxValue))];
        Assert.Equal(MediaDetails.Unknown, Probe(unknown, MediaTypes.Mp4));

        byte[] zeroScale = [.. TestMediaFiles.FileType("isom"), .. TestMediaFiles.Box("moov", TestMediaFiles.MovieHeader(0, 10))];
        Assert.Equal(MediaDetails.Unknown, Probe(zeroScale, MediaTypes.Mp4));

        var overrun = TestMediaFiles.Mp4(64, 48, 1_000);
        BinaryPrimitives.WriteUInt32BigEndian(overrun.AsSpan(TestMediaFiles.FileType("isom", "isom", "iso2", "avc1", "mp41").Length), 0x7FFF_FFFF);
        Assert.Equal(MediaDetails.Unknown, Probe(overrun, MediaTypes.Mp4));
    }

    [Fact]
    public void The_box_walk_is_bounded()
    {
        var free = TestMediaFiles.Box("free");
        var file = new byte[free.Length * 150_000];
        for (var i = 0; i < 150_000; i++)
        {
            free.CopyTo(file, i * free.Length);
        }

        byte[] withMovie = [.. file, .. TestMediaFiles.Box("moov", TestMediaFiles.MovieHeader(1000, 5))];
        Assert.Equal(MediaDetails.Unknown, Probe(withMovie, MediaTypes.Mp4));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12_345)]
    [InlineData(3_600_000)]
    public void Ogg_opus_duration_is_the_last_granule_less_the_pre_skip(long durationMs) =>
        Assert.Equal(new MediaDetails(null, null, durationMs), Probe(TestMediaFiles.OggOpus(durationMs), MediaTypes.Ogg));

    [Fact]
    public void Ogg_vorbis_duration_uses_the_identification_headers_rate()
    {
        Assert.Equal(9_000, Probe(TestMediaFiles.OggVorbis(9_000, 44_100), MediaTypes.Ogg).DurationMs);
        Assert.Equal(2_500, Probe(TestMediaFiles.OggVorbis(2_500, 22_050), MediaTypes.Ogg).DurationMs);
    }

    [Fact]
    public void The_last_ogg_page_is_found_in_a_long_file()
    {
        var opus = TestMediaFiles.OggOpus(1_000);
        var headers = opus[..^(27 + 2 + 300)];
        var file = new List<byte>(headers);
        for (var page = 0u; page < 100; page++)
        {
            file.AddRange(TestMediaFiles.OggPage(0, TestMediaFiles.OpusPreSkip + ((page + 1) * 48_000UL), page + 2, new byte[4_000]));
        }

        file.AddRange(TestMediaFiles.OggPage(0x04, TestMediaFiles.OpusPreSkip + (100_500 * 48UL), 102, new byte[10]));
        Assert.Equal(100_500, Probe([.. file], MediaTypes.Ogg).DurationMs);
    }

    [Fact]
    public void An_ogg_page_with_a_wrong_checksum_is_not_trusted()
    {
        var file = TestMediaFiles.OggOpus(5_000);
        file[^1] ^= 0xFF;
        Assert.Equal(MediaDetails.Unknown, Probe(file, MediaTypes.Ogg));
    }

    [Fact]
    public void Adts_duration_counts_frames_of_1024_samples()
    {
        Assert.Equal(new MediaDetails(null, null, 2_133), Probe(TestMediaFiles.Adts(100, 48_000), MediaTypes.Aac));
        Assert.Equal(10_240, Probe(TestMediaFiles.Adts(441, 44_100), MediaTypes.Aac).DurationMs);
    }

    [Fact]
    public void Adts_after_an_id3_tag_and_before_junk_is_counted()
    {
        byte[] file = [.. TestMediaFiles.Id3Tag(70_000), .. TestMediaFiles.Adts(75, 48_000), .. "TAG"u8, .. new byte[125]];
        Assert.Equal(1_600, Probe(file, MediaTypes.Aac).DurationMs);
    }

    [Fact]
    public void Adts_past_the_frame_budget_is_estimated_from_the_bytes_left() =>
        Assert.Equal(3_200_000, Probe(TestMediaFiles.Adts(150_000, 48_000), MediaTypes.Aac).DurationMs);

    [Fact]
    public void Images_and_documents_have_no_details_here()
    {
        Assert.Equal(MediaDetails.Unknown, Probe(TestMediaFiles.Pdf(), MediaTypes.Pdf));
        Assert.Equal(MediaDetails.Unknown, Probe([0xFF, 0xD8, 0xFF, 0xE0], MediaTypes.Jpeg));
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_refused()
    {
        using var pipe = new NonSeekableStream();
        Assert.Throws<ArgumentException>(() => MediaProbe.Probe(pipe, MediaTypes.Mp4));
    }

    [Fact]
    public void Truncated_corrupted_and_random_files_give_nulls_without_throwing()
    {
        (byte[] File, MediaType Type)[] files =
        [
            (TestMediaFiles.Mp4(16, 16, 10), MediaTypes.Mp4), (TestMediaFiles.M4a(10), MediaTypes.M4a), (TestMediaFiles.OggOpus(10), MediaTypes.Ogg),
            (TestMediaFiles.OggVorbis(10), MediaTypes.Ogg), (TestMediaFiles.Adts(3, 8_000), MediaTypes.Aac),
        ];
        var random = new Random(11);
        foreach (var (file, type) in files)
        {
            for (var length = 0; length <= file.Length; length++)
            {
                _ = Probe(file[..length], type);
            }

            for (var i = 0; i < 2_000; i++)
            {
                var corrupted = (byte[])file.Clone();
                corrupted[random.Next(corrupted.Length)] = (byte)random.Next(256);
                corrupted[random.Next(corrupted.Length)] = (byte)random.Next(256);
                _ = Probe(corrupted, type);
            }
        }

        var noise = new byte[512];
        foreach (var type in MediaTypes.All)
        {
            for (var i = 0; i < 500; i++)
            {
                random.NextBytes(noise);
                _ = Probe(noise, type);
            }
        }
    }

    private static MediaDetails Probe(byte[] file, MediaType type)
    {
        using var stream = new MemoryStream(file, writable: false);
        return MediaProbe.Probe(stream, type);
    }

    private sealed class NonSeekableStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
