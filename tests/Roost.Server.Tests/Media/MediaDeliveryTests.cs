using System.Net;
using System.Net.Http.Headers;
using Roost.Client;
using Roost.Client.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Media;
using static Roost.Server.Tests.Media.MediaTestSupport;

namespace Roost.Server.Tests.Media;

/// <summary>
/// Media from upload to a chat and back, on the run's engine: cleaned of metadata, thumbnails for both members,
/// refused to others, ranges and caching headers; content that lies about its type and decompression bombs refused.
/// </summary>
public sealed class MediaDeliveryTests
{

    [Fact]
    public async Task A_photo_with_location_is_stored_without_it_and_both_members_get_it_and_its_thumbnail_but_no_one_else()
    {
        await using var instance = await RoostInstance.StartAsync();
        await PhotoRoundTripAsync(instance);
    }

    [Fact]
    public async Task Content_that_does_not_match_its_name_or_type_is_refused_and_nothing_is_kept()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        using var http = MediaTestSupport.Http(instance.BaseAddress, alice);

        var pdfNamedJpeg = Document(10_000);
        var mismatch = await CreateAsync(http, pdfNamedJpeg.Length, "holiday.jpg", firstChunk: pdfNamedJpeg);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, mismatch.StatusCode);
        Assert.Contains("media_type_mismatch", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var pngDeclaredJpeg = TestImages.Png(64, 64);
        var declared = await CreateAsync(http, pngDeclaredJpeg.Length, "a", "image/jpeg", pngDeclaredJpeg);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, declared.StatusCode);

        var program = new byte[10_000];
        "\u007fELF"u8.CopyTo(program);
        var unknown = await CreateAsync(http, program.Length, "tool.pdf", firstChunk: program);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unknown.StatusCode);
        Assert.Contains("media_type_not_allowed", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Created without bytes, then refused on its first chunk: the upload is gone.
        var location = Location(await CreateAsync(http, program.Length, "tool"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PatchAsync(http, location, 0, program)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await HeadAsync(http, location)).StatusCode);
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_before_decoding_and_cannot_be_attached()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var chat = await instance.StartDirectChatAsync();
        var info = await UploadAsync(chat.Alice, TestImages.PngBomb(50_000, 50_000), "bomb.png");

        Assert.Equal("failed", info.State);
        Assert.Equal("media_image_too_large", info.Error);
        var refused = await chat.Alice.SendMessageAsync(chat.Conversation.Id, null, [info.Id]).ShouldFailAsync("media_failed");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task Ranges_conditional_requests_and_one_request_uploads()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        using var http = MediaTestSupport.Http(instance.BaseAddress, alice);
        var bytes = Document(50_000, seed: 3);
        using var body = new ByteArrayContent(bytes);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var simple = await http.PostAsync("/v1/media?name=notes.pdf", body).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Accepted, simple.StatusCode);
        var id = System.Text.Json.JsonDocument.Parse(await simple.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        await WaitProcessedAsync(alice, id);

        var ranged = new HttpRequestMessage(HttpMethod.Get, $"/v1/media/{id}");
        ranged.Headers.Range = new RangeHeaderValue(1000, 1999);
        var part = await http.SendAsync(ranged).DefaultTimeout();
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[1000..2000], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 1000-1999/50000", part.Content.Headers.ContentRange!.ToString());

        var suffix = new HttpRequestMessage(HttpMethod.Get, $"/v1/media/{id}");
        suffix.Headers.Range = new RangeHeaderValue(null, 100);
        Assert.Equal(bytes[^100..], await (await http.SendAsync(suffix).DefaultTimeout()).Content.ReadAsByteArrayAsync());

        var past = new HttpRequestMessage(HttpMethod.Get, $"/v1/media/{id}");
        past.Headers.Range = new RangeHeaderValue(60_000, 60_100);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await http.SendAsync(past).DefaultTimeout()).StatusCode);

        var whole = await http.GetAsync($"/v1/media/{id}").DefaultTimeout();
        Assert.Equal("application/pdf", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", whole.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("immutable", whole.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.True(whole.Headers.CacheControl.Private);
        Assert.StartsWith("attachment", whole.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        Assert.Contains("notes.pdf", whole.Content.Headers.ContentDisposition.ToString(), StringComparison.Ordinal);

        var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/media/{id}");
        again.Headers.IfNoneMatch.Add(whole.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again).DefaultTimeout()).StatusCode);
    }

    [Fact]
    public async Task Only_your_own_ready_media_can_be_attached_and_deleting_the_message_ends_the_sharing()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var chat = await instance.StartDirectChatAsync();
        var bobs = await UploadAsync(chat.Bob, TestImages.Jpeg(320, 240), "bob.jpg");
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "mine now", [bobs.Id]).ShouldFailAsync("media_not_found");

        var photo = await UploadAsync(chat.Alice, TestImages.Jpeg(320, 240), "cat.jpg");
        var sent = await chat.Alice.SendMessageAsync(chat.Conversation.Id, null, [photo.Id]).DefaultTimeout();
        Assert.NotEmpty(await chat.Bob.DownloadMediaAsync(photo.Id).DefaultTimeout());

        await using (var live = await chat.Alice.ConnectLiveAsync())
        {
            await live.DeleteAsync(chat.Conversation.Id, sent.Seq).DefaultTimeout();
        }

        var gone = await chat.Bob.DownloadMediaAsync(photo.Id).ShouldFailAsync("forbidden");
        Assert.Equal(HttpStatusCode.Forbidden, gone.Status);
        var history = await chat.Bob.GetMessagesAsync(chat.Conversation.Id).DefaultTimeout();
        Assert.Null(Assert.Single(history.Messages).Attachments);
    }

    /// <summary>The done-when scenario, shared with the S3 test: a located photo in a chat, seen by its two members only.</summary>
    internal static async Task PhotoRoundTripAsync(RoostInstance instance)
    {
        using var chat = await instance.StartDirectChatAsync();
        var (carol, _, _) = await instance.RegisterAndLoginAsync();
        var original = TestImages.JpegWithExif(1200, 900, orientation: 6, gps: true);
        Assert.True(Contains(original, "Exif"u8));

        var photo = await UploadAsync(chat.Alice, original, "IMG_0001.jpg", "image/jpeg");
        Assert.Equal("ready", photo.State);
        Assert.Equal("image/jpeg", photo.ContentType);
        Assert.Equal((900, 1200), (photo.Width, photo.Height)); // orientation 6: turned upright
        Assert.NotNull(photo.Placeholder);
        Assert.NotEmpty(photo.Thumbnails);

        var sent = await chat.Alice.SendMessageAsync(chat.Conversation.Id, "look where I am", [photo.Id]).DefaultTimeout();
        var message = Assert.Single((await chat.Bob.GetMessagesAsync(chat.Conversation.Id).DefaultTimeout()).Messages);
        Assert.Equal(sent.Seq, message.Seq);
        var attachment = Assert.Single(message.Attachments!);
        Assert.Equal(photo.Id, attachment.Id);
        Assert.Equal("image", attachment.Kind);
        Assert.Equal(photo.Thumbnails.Count, attachment.Thumbnails.Count);

        foreach (var viewer in new[] { chat.Alice, chat.Bob })
        {
            var stored = await viewer.DownloadMediaAsync(photo.Id).DefaultTimeout();
            Assert.False(Contains(stored, "Exif"u8));
            Assert.False(Contains(stored, TestImages.GpsLatitudeEntry));
            Assert.Equal(0xFF, stored[0]);
            var thumbnail = await viewer.DownloadMediaAsync(photo.Id, attachment.Thumbnails[0].Size).DefaultTimeout();
            Assert.NotEmpty(thumbnail);
        }

        foreach (var request in new Task[] { carol.DownloadMediaAsync(photo.Id), carol.DownloadMediaAsync(photo.Id, attachment.Thumbnails[0].Size), carol.GetMediaInfoAsync(photo.Id) })
        {
            var refused = await request.ShouldFailAsync("forbidden");
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        }

        carol.Dispose();
    }
}
