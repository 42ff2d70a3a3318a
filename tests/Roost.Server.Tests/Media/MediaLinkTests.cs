using System.Net;
using System.Text.Json;
using Roost.Client.Realtime;
using Roost.Core.Identity;
using Roost.Core.Media;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Media;
using static Roost.Server.Tests.Media.MediaTestSupport;

namespace Roost.Server.Tests.Media;

/// <summary>
/// Media without a token header, on the run's engine: signed links (authorized again on every request), nginx
/// X-Accel-Redirect for the local store, and redirects to presigned URLs of an S3 store.
/// </summary>
public sealed class MediaLinkTests
{
    [Fact]
    public async Task Signed_links_fetch_without_a_token_only_what_they_name_and_only_while_the_account_may_see_it()
    {
        var masterKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Identity:EncryptionKey"] = Convert.ToBase64String(masterKey) });
        using var chat = await instance.StartDirectChatAsync();
        var (carol, _, carolLogin) = await instance.RegisterAndLoginAsync();
        var photo = await UploadAsync(chat.Alice, TestImages.Jpeg(800, 600), "view.jpg");
        var sent = await chat.Alice.SendMessageAsync(chat.Conversation.Id, null, [photo.Id]).DefaultTimeout();

        var links = await chat.Bob.GetMediaLinksAsync([photo.Id, photo.Id, "not-an-id", new string('0', 32)]).DefaultTimeout();
        var link = Assert.Single(links.Links);
        Assert.Equal(photo.Id, link.Id);
        Assert.Equal(photo.Thumbnails.Select(t => t.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), link.Thumbnails.Keys.Order());
        Assert.True(link.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(40));
        Assert.Empty((await carol.GetMediaLinksAsync([photo.Id]).DefaultTimeout()).Links);

        using var anonymous = instance.CreateHttpClient();
        Assert.Equal(await chat.Bob.DownloadMediaAsync(photo.Id).DefaultTimeout(), await anonymous.GetByteArrayAsync(new Uri(link.Url, UriKind.Relative)).DefaultTimeout());
        var thumbnailSize = photo.Thumbnails[0].Size;
        var thumbnail = link.Thumbnails[thumbnailSize.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        Assert.Equal(await chat.Bob.DownloadMediaAsync(photo.Id, thumbnailSize).DefaultTimeout(), await anonymous.GetByteArrayAsync(new Uri(thumbnail, UriKind.Relative)).DefaultTimeout());

        // Neither a token nor a link: challenged. A link used for another file, or altered: refused.
        await ExpectAsync(anonymous, $"/v1/media/{photo.Id}", HttpStatusCode.Unauthorized, "unauthorized");
        var query = link.Url[link.Url.IndexOf('?', StringComparison.Ordinal)..];
        await ExpectAsync(anonymous, $"/v1/media/{photo.Id}/thumbnails/{thumbnailSize}{query}", HttpStatusCode.Forbidden, MediaErrorCodes.LinkInvalid);
        await ExpectAsync(anonymous, link.Url.Replace($"account={chat.BobLogin.AccountId}", $"account={carolLogin.AccountId}", StringComparison.Ordinal), HttpStatusCode.Forbidden, MediaErrorCodes.LinkInvalid);

        // A link past its expiry (made with the server's key, so only the time is wrong) is refused as expired.
        var linkKey = new SecretProtector(masterKey).MediaLinkKey;
        var past = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        await ExpectAsync(anonymous, $"/v1/media/{photo.Id}?{MediaLinks.Query(linkKey, photo.Id, MediaFile.Full, chat.BobLogin.AccountId, past)}", HttpStatusCode.Forbidden, MediaErrorCodes.LinkExpired);

        // Authorized on every request: once the message is deleted, Bob's unexpired link no longer works.
        await using (var live = await chat.Alice.ConnectLiveAsync())
        {
            await live.DeleteAsync(chat.Conversation.Id, sent.Seq).DefaultTimeout();
        }

        await ExpectAsync(anonymous, link.Url, HttpStatusCode.Forbidden, "forbidden");
        carol.Dispose();
    }

    [Fact]
    public async Task Behind_nginx_the_local_store_answers_with_an_internal_redirect_to_the_blob()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Media:AccelRedirectPrefix"] = "/_roost_media/" });
        using var chat = await instance.StartDirectChatAsync();
        var (carol, _, _) = await instance.RegisterAndLoginAsync();
        var bytes = Document(40_000);
        var document = await UploadAsync(chat.Alice, bytes, "minutes.pdf");
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, null, [document.Id]).DefaultTimeout();

        using var http = MediaTestSupport.Http(instance.BaseAddress, chat.Bob);
        var response = await http.GetAsync($"/v1/media/{document.Id}").DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        var target = response.Headers.GetValues("X-Accel-Redirect").Single();
        Assert.StartsWith("/_roost_media/blobs/", target, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(instance.DataDirectory, "media", target["/_roost_media/".Length..])));
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("minutes.pdf", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl!.Private);

        // Authorization still comes first: no redirect for someone the file was not shared with.
        using var other = MediaTestSupport.Http(instance.BaseAddress, carol);
        var refused = await other.GetAsync($"/v1/media/{document.Id}").DefaultTimeout();
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("X-Accel-Redirect"));
        carol.Dispose();
    }

    [Fact]
    public async Task With_S3_redirects_on_members_are_sent_to_a_presigned_url_that_serves_the_same_bytes()
    {
        var settings = TestS3.ServerSettings();
        settings["Roost:Media:RedirectToStore"] = "true";
        await using var instance = await RoostInstance.StartAsync(settings);
        using var chat = await instance.StartDirectChatAsync();
        var bytes = Document(70_000);
        var document = await UploadAsync(chat.Alice, bytes, "plan.pdf");
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, null, [document.Id]).DefaultTimeout();

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = instance.BaseAddress, Timeout = TimeoutExtensions.Limit };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", chat.Bob.AccessToken);
        var response = await http.GetAsync($"/v1/media/{document.Id}").DefaultTimeout();
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(TestS3.ServiceUrl, location.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Signature", location.Query, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl!.MaxAge <= TimeSpan.FromMinutes(1));

        using var plain = new HttpClient { Timeout = TimeoutExtensions.Limit };
        var direct = await plain.GetAsync(location).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal(bytes, await direct.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", direct.Content.Headers.ContentType!.MediaType);

        // The web client's policy lets its images and players load from the store it is redirected to.
        var page = await plain.GetAsync(instance.BaseAddress).DefaultTimeout();
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        var store = new Uri(TestS3.ServiceUrl).GetLeftPart(UriPartial.Authority);
        Assert.Contains($"img-src 'self' data: {store};", policy, StringComparison.Ordinal);
        Assert.Contains($"media-src 'self' {store};", policy, StringComparison.Ordinal);
    }

    private static async Task ExpectAsync(HttpClient http, string path, HttpStatusCode status, string code)
    {
        var response = await http.GetAsync(new Uri(path, UriKind.Relative)).DefaultTimeout();
        Assert.Equal(status, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
    }
}
