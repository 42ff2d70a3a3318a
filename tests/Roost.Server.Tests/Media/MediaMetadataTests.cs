using System.Text;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Media;
using static Roost.Server.Tests.Media.MediaTestSupport;

namespace Roost.Server.Tests.Media;

/// <summary>Videos, GIFs and voice notes keep playing but lose the location and text their containers carry.</summary>
public sealed class MediaMetadataTests
{
    [Fact]
    public async Task A_located_phone_video_and_a_commented_gif_are_stored_without_them_and_still_measured()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var chat = await instance.StartDirectChatAsync();
        var location = Encoding.ASCII.GetBytes(TestMediaFiles.Iso6709Location);

        var video = TestMediaFiles.Mp4WithLocation(1920, 1080, 12_345);
        Assert.True(Contains(video, location));
        var clip = await UploadAsync(chat.Alice, video, "IMG_0002.MOV");
        Assert.Equal("ready", clip.State);
        Assert.Equal("video/quicktime", clip.ContentType);
        Assert.Equal((1920, 1080, 12_345L), (clip.Width, clip.Height, clip.DurationMs));
        Assert.Equal((long)video.Length, clip.Size);

        var gif = TestMediaFiles.Gif(withMetadata: true);
        var comment = Encoding.ASCII.GetBytes(TestMediaFiles.GifComment);
        var animation = await UploadAsync(chat.Alice, gif, "party.gif");
        Assert.Equal("ready", animation.State);
        Assert.Equal((2, 2), (animation.Width, animation.Height));
        Assert.Equal((long)TestMediaFiles.Gif().Length, animation.Size);

        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "from the top", [clip.Id, animation.Id]).DefaultTimeout();
        var storedVideo = await chat.Bob.DownloadMediaAsync(clip.Id).DefaultTimeout();
        Assert.Equal(video.Length, storedVideo.Length);
        Assert.False(Contains(storedVideo, location));
        Assert.False(Contains(storedVideo, Encoding.Latin1.GetBytes("©xyz")));
        Assert.False(Contains(storedVideo, Encoding.ASCII.GetBytes(TestMediaFiles.AppleLocationKey)));
        var mdat = video.AsSpan().IndexOf("mdat"u8) - 4;
        Assert.Equal(video[mdat..], storedVideo[mdat..]);

        var storedGif = await chat.Bob.DownloadMediaAsync(animation.Id).DefaultTimeout();
        Assert.False(Contains(storedGif, comment));
        Assert.False(Contains(storedGif, "XMP DataXMP"u8));
        Assert.True(Contains(storedGif, "NETSCAPE2.0"u8));
        Assert.Equal(TestMediaFiles.Gif(), storedGif);
    }

    [Fact]
    public async Task A_voice_notes_tags_are_emptied_and_its_duration_still_reported()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        var tag = Encoding.ASCII.GetBytes("LOCATION=" + TestMediaFiles.Iso6709Location);
        var note = TestMediaFiles.OggOpus(7_250, "LOCATION=" + TestMediaFiles.Iso6709Location);

        var info = await UploadAsync(alice, note, "note.opus");

        Assert.Equal("ready", info.State);
        Assert.Equal(7_250, info.DurationMs);
        var stored = await alice.DownloadMediaAsync(info.Id).DefaultTimeout();
        Assert.True(Contains(note, tag));
        Assert.False(Contains(stored, tag));
        Assert.Equal(stored.Length, info.Size);
    }
}
