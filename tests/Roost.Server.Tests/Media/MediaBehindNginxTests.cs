using System.Net;
using System.Net.Http.Headers;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Media;
using static Roost.Server.Tests.Media.MediaTestSupport;

namespace Roost.Server.Tests.Media;

/// <summary>The X-Accel-Redirect set-up of docs/operations.md in a real nginx in front of an instance, on the run's engine.</summary>
public sealed class MediaBehindNginxTests
{
    private const string InternalPrefix = "/_roost_media/";

    [Fact]
    public async Task Nginx_sends_authorized_files_with_ranges_and_the_same_headers_and_never_serves_the_internal_location_itself()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Media:AccelRedirectPrefix"] = InternalPrefix });
        await using var nginx = await TestNginx.StartAsync(instance.BaseAddress, Path.Combine(instance.DataDirectory, "media"), InternalPrefix);
        using var chat = await instance.StartDirectChatAsync();
        var (carol, _, _) = await instance.RegisterAndLoginAsync();
        var bytes = Document(300_000, seed: 11);
        var document = await UploadAsync(chat.Alice, bytes, "budget 2027.pdf");
        var photo = await UploadAsync(chat.Alice, TestImages.JpegWithExif(640, 480, orientation: 1, gps: true), "IMG_7.jpg");
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, null, [document.Id, photo.Id]).DefaultTimeout();

        using var bob = MediaTestSupport.Http(nginx.BaseAddress, chat.Bob);
        var whole = await bob.GetAsync($"/v1/media/{document.Id}").DefaultTimeout();
        Assert.True(whole.StatusCode == HttpStatusCode.OK, nginx.Output);
        Assert.Equal(bytes, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", whole.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("attachment", whole.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        Assert.Contains("budget", whole.Content.Headers.ContentDisposition.ToString(), StringComparison.Ordinal);
        Assert.Equal("nosniff", whole.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("default-src 'none'; sandbox", whole.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True(whole.Headers.CacheControl!.Private);
        Assert.False(whole.Headers.Contains("X-Accel-Redirect"));

        var ranged = new HttpRequestMessage(HttpMethod.Get, $"/v1/media/{document.Id}");
        ranged.Headers.Range = new RangeHeaderValue(100_000, 100_999);
        var part = await bob.SendAsync(ranged).DefaultTimeout();
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(bytes[100_000..101_000], await part.Content.ReadAsByteArrayAsync());

        // A signed link through nginx, for the image's thumbnail: served, and typed as the thumbnail.
        var link = Assert.Single((await chat.Bob.GetMediaLinksAsync([photo.Id]).DefaultTimeout()).Links);
        using var anonymous = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeoutExtensions.Limit };
        var thumbnail = await anonymous.GetAsync(new Uri(link.Thumbnails.First().Value, UriKind.Relative)).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal(photo.Thumbnails[0].ContentType, thumbnail.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0xFF, (await thumbnail.Content.ReadAsByteArrayAsync())[0]);

        // Refusals come from Roost, unchanged; the internal location is not reachable from outside.
        using var other = MediaTestSupport.Http(nginx.BaseAddress, carol);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/v1/media/{document.Id}").DefaultTimeout()).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/v1/media/{document.Id}").DefaultTimeout()).StatusCode);
        using var bobDirect = MediaTestSupport.Http(instance.BaseAddress, chat.Bob);
        var target = (await bobDirect.GetAsync($"/v1/media/{document.Id}").DefaultTimeout()).Headers.GetValues("X-Accel-Redirect").Single();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(target, UriKind.Relative)).DefaultTimeout()).StatusCode);
        carol.Dispose();
    }
}
