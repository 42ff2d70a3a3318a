using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Media;

namespace Roost.Web.Tests;

/// <summary>Attachments in the web client, in a real headless Chromium: tus uploads from the page, media in the chat.</summary>
public sealed class MediaWebClientTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 15_000;
    private const float Slow = 90_000;

    [Fact]
    public async Task A_located_photo_reaches_the_peer_as_a_thumbnail_and_a_full_view_without_its_position()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "paris.jpg");
        await File.WriteAllBytesAsync(path, TestImages.JpegWithExif(1200, 900, orientation: 1));
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            await WebSteps.AttachAsync(alice, path);
            var progress = alice.Page.Locator("#attachments .upload [role='progressbar']");
            await Expect(progress).ToHaveAttributeAsync("aria-label", "Upload of paris.jpg", new() { Timeout = Timeout });
            await WebSteps.WaitAttachmentsReadyAsync(alice, 1);
            await Expect(progress).ToHaveAttributeAsync("aria-valuenow", "100", new() { Timeout = Timeout });
            await WebSteps.SendComposedAsync(alice, "Greetings from Paris");

            var mine = alice.Page.Locator("#messages .message.mine img.thumbnail");
            await WebSteps.ImageLoadedAsync(alice, mine);

            await WebSteps.OpenAsync(bob, alice.Name);
            var thumbnail = bob.Page.Locator("#messages .message img.thumbnail");
            await WebSteps.ImageLoadedAsync(bob, thumbnail);
            await Expect(bob.Page.Locator("#messages .message .body").Last).ToHaveTextAsync("Greetings from Paris", new() { Timeout = Timeout });
            // Laid out from the metadata before a byte arrives: 1200×900 shown in a 240 px box.
            Assert.Equal("240", await thumbnail.GetAttributeAsync("width"));
            Assert.Equal("180", await thumbnail.GetAttributeAsync("height"));
            await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Open paris.jpg" }).ClickAsync();
            var viewer = bob.Page.Locator("dialog#viewer");
            await Expect(viewer).ToBeVisibleAsync(new() { Timeout = Timeout });
            var full = viewer.Locator("img");
            await WebSteps.ImageLoadedAsync(bob, full);
            Assert.Equal(1200, await full.EvaluateAsync<int>("img => img.naturalWidth"));

            // A signed link: fetched without any token.
            var source = (await full.GetAttributeAsync("src"))!;
            Assert.Matches("^/v1/media/[0-9a-f]{32}\\?.*signature=", source);
            var bytes = await WebSteps.FetchInPageAsync(bob, source);
            Assert.Equal([0xFF, 0xD8], bytes[..2]);
            Assert.False(Contains(bytes, "Exif\0\0"u8), "The served photo still has an EXIF block.");
            Assert.False(Contains(bytes, TestImages.GpsLatitudeEntry), "The served photo still has its GPS position.");

            await bob.Page.Keyboard.PressAsync("Escape");
            await Expect(viewer).ToBeHiddenAsync(new() { Timeout = Timeout });
            await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Open paris.jpg" }).ClickAsync();
            await Expect(viewer).ToBeVisibleAsync(new() { Timeout = Timeout });
            await viewer.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
            await Expect(viewer).ToBeHiddenAsync(new() { Timeout = Timeout });
        });
    }

    [Fact]
    public async Task Someone_outside_the_conversation_is_refused_the_media_with_her_own_token()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "private.png");
        await File.WriteAllBytesAsync(path, TestImages.Png(320, 200));
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            await WebSteps.AttachAsync(alice, path);
            await WebSteps.WaitAttachmentsReadyAsync(alice, 1);
            await WebSteps.SendComposedAsync(alice);
            await WebSteps.OpenAsync(bob, alice.Name);
            var shown = bob.Page.Locator("#messages [data-media-id]");
            await WebSteps.ImageLoadedAsync(bob, shown.Locator("img"));
            var id = (await shown.GetAttributeAsync("data-media-id"))!;

            var (carol, _, _) = await fixture.Instance.RegisterAndLoginAsync();
            using var _c = carol;
            using var http = fixture.Instance.CreateHttpClient();
            Assert.Equal(HttpStatusCode.Forbidden, await GetStatusAsync(http, $"/v1/media/{id}", carol.AccessToken!));
            Assert.Equal(HttpStatusCode.Forbidden, await GetStatusAsync(http, $"/v1/media/{id}/info", carol.AccessToken!));
            Assert.Equal(HttpStatusCode.OK, await GetStatusAsync(http, $"/v1/media/{id}", await WebSteps.TokenAsync(bob)));
        });
    }

    [Fact]
    public async Task A_large_video_survives_the_connection_dropping_halfway_and_resumes_from_the_servers_offset()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "holiday.mp4");
        var size = WriteVideo(path, 50 * 1024 * 1024);
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);

            // Every PATCH's Upload-Offset, in order, and whether it came after the connection was back. The first
            // chunk at or past 40% is held (never reaches the server) until the network is cut, then dropped.
            var patches = new ConcurrentQueue<(long Offset, bool AfterReconnect)>();
            var creations = 0;
            var reconnected = false;
            var held = new TaskCompletionSource<IRoute>(TaskCreationOptions.RunContinuationsAsynchronously);
            await RouteUploadsAsync(alice, route =>
            {
                var request = route.Request;
                if (request.Method == "POST")
                {
                    Interlocked.Increment(ref creations);
                }
                else if (request.Method == "PATCH")
                {
                    var offset = long.Parse(request.Headers["upload-offset"], CultureInfo.InvariantCulture);
                    var after = Volatile.Read(ref reconnected);
                    patches.Enqueue((offset, after));
                    if (!after && offset >= size * 0.4 && held.TrySetResult(route))
                    {
                        return true;
                    }
                }

                return false;
            });

            await WebSteps.AttachAsync(alice, path);
            await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
            var upload = alice.Page.Locator("#messages .message.pending .upload");
            await Expect(upload).ToBeVisibleAsync(new() { Timeout = Timeout });

            var heldRoute = await held.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await alice.Page.WaitForFunctionAsync(
                "() => Number(document.querySelector('.message.pending .upload [role=progressbar]')?.getAttribute('aria-valuenow')) >= 40",
                null,
                new() { Timeout = Slow });

            await alice.Context.SetOfflineAsync(true);
            await Expect(upload).ToHaveAttributeAsync("data-upload-state", "paused", new() { Timeout = Timeout });
            await Expect(upload.Locator(".detail")).ToContainTextAsync("offline", new() { Timeout = Timeout });
            try
            {
                await heldRoute.AbortAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception failure) when (failure is PlaywrightException or TimeoutException)
            {
                // The page already aborted it when it went offline.
            }

            Volatile.Write(ref reconnected, true);
            await alice.Context.SetOfflineAsync(false);
            await Expect(alice.Page.Locator("#messages .message.mine[data-seq] video")).ToHaveCountAsync(1, new() { Timeout = Slow });
            await Expect(alice.Page.Locator("#messages .message.pending")).ToHaveCountAsync(0, new() { Timeout = Timeout });

            var sent = patches.ToArray();
            Assert.Equal(1, Volatile.Read(ref creations));
            for (var i = 1; i < sent.Length; i++)
            {
                Assert.True(sent[i].Offset >= sent[i - 1].Offset, $"PATCH {i} went back from {sent[i - 1].Offset} to {sent[i].Offset}.");
            }

            var resumed = sent.First(p => p.AfterReconnect);
            Assert.True(resumed.Offset >= size * 0.4 && resumed.Offset < size, $"The upload resumed at {resumed.Offset} of {size}.");

            await WebSteps.OpenAsync(bob, alice.Name);
            var video = bob.Page.Locator("#messages .message video");
            await Expect(video).ToHaveCountAsync(1, new() { Timeout = Timeout });
            await Expect(video).ToHaveAttributeAsync("controls", "", new() { Timeout = Timeout });
            await Expect(video).ToHaveAttributeAsync("preload", "metadata", new() { Timeout = Timeout });
            await Expect(video).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("."), new() { Timeout = Slow });
        }, TimeSpan.FromSeconds(240));
    }

    [Fact]
    public async Task After_a_reload_midway_the_same_file_picked_again_resumes_its_upload()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "talk.mp4");
        var size = WriteVideo(path, 20 * 1024 * 1024);
        await using var alice = await UserAsync();
        var (bob, bobName, _) = await fixture.Instance.RegisterAndLoginAsync();
        using var _b = bob;
        await WebSteps.RunAsync([alice], async () =>
        {
            await WebSteps.RegisterAsync(alice);
            await WebSteps.StartDirectAsync(alice, bobName);

            var patches = new ConcurrentQueue<(long Offset, bool AfterReload)>();
            var creations = 0;
            var reloaded = false;
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await RouteUploadsAsync(alice, route =>
            {
                var request = route.Request;
                if (request.Method == "POST")
                {
                    Interlocked.Increment(ref creations);
                }
                else if (request.Method == "PATCH")
                {
                    var offset = long.Parse(request.Headers["upload-offset"], CultureInfo.InvariantCulture);
                    var after = Volatile.Read(ref reloaded);
                    patches.Enqueue((offset, after));
                    if (!after && offset >= size * 0.4)
                    {
                        held.TrySetResult();
                        return true; // never reaches the server: the reload ends it
                    }
                }

                return false;
            });

            await WebSteps.AttachAsync(alice, path);
            await held.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(1, await RememberedUploadsAsync(alice));

            Volatile.Write(ref reloaded, true);
            await alice.Page.ReloadAsync();
            await WebSteps.OpenAsync(alice, bobName);
            await WebSteps.AttachAsync(alice, path);
            await WebSteps.WaitAttachmentsReadyAsync(alice, 1, Slow);

            Assert.Equal(1, Volatile.Read(ref creations));
            var resumed = patches.First(p => p.AfterReload);
            Assert.True(resumed.Offset >= size * 0.4, $"The upload resumed at {resumed.Offset} of {size}.");
            Assert.Equal(0, await RememberedUploadsAsync(alice));
            await WebSteps.SendComposedAsync(alice);
            await Expect(alice.Page.Locator("#messages .message.mine video")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        }, TimeSpan.FromSeconds(180));
    }

    [Fact]
    public async Task A_chunk_refused_for_a_wrong_offset_is_followed_by_a_head_and_the_upload_goes_on()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "clip.mp4");
        var size = WriteVideo(path, 9 * 1024 * 1024);
        await using var alice = await UserAsync();
        var (bob, bobName, _) = await fixture.Instance.RegisterAndLoginAsync();
        using var _b = bob;
        await WebSteps.RunAsync([alice], async () =>
        {
            await WebSteps.RegisterAsync(alice);
            await WebSteps.StartDirectAsync(alice, bobName);

            // The second chunk goes out once claiming offset 0: the server answers 409 upload_offset_mismatch.
            var log = new ConcurrentQueue<string>();
            var tampered = 0;
            await RouteUploadsAsync(alice, async route =>
            {
                var request = route.Request;
                var offset = request.Headers.TryGetValue("upload-offset", out var value) ? value : "";
                if (request.Method == "PATCH" && offset != "0" && Interlocked.Exchange(ref tampered, 1) == 0)
                {
                    log.Enqueue("PATCH tampered");
                    var headers = new Dictionary<string, string>(request.Headers) { ["upload-offset"] = "0" };
                    await route.ContinueAsync(new() { Headers = headers });
                    return true;
                }

                log.Enqueue($"{request.Method} {offset}");
                return false;
            });

            await WebSteps.AttachAsync(alice, path);
            await WebSteps.WaitAttachmentsReadyAsync(alice, 1, Slow);

            var steps = log.ToArray();
            var refused = Array.IndexOf(steps, "PATCH tampered");
            Assert.True(refused > 0, string.Join(", ", steps));
            Assert.StartsWith("HEAD", steps[refused + 1], StringComparison.Ordinal);
            Assert.Equal($"PATCH {4 * 1024 * 1024}", steps[refused + 2]);
            Assert.Single(steps, s => s.StartsWith("POST", StringComparison.Ordinal));
            await WebSteps.SendComposedAsync(alice);
            var id = await alice.Page.Locator("#messages .message.mine [data-media-id]").GetAttributeAsync("data-media-id");
            Assert.Equal(size, (await bob.GetMediaInfoAsync(id!)).Size);
        });
    }

    [Fact]
    public async Task Cancelling_an_upload_terminates_it_on_the_server()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "long.mp4");
        var size = WriteVideo(path, 12 * 1024 * 1024);
        await using var alice = await UserAsync();
        var (bob, bobName, _) = await fixture.Instance.RegisterAndLoginAsync();
        using var _b = bob;
        await WebSteps.RunAsync([alice], async () =>
        {
            await WebSteps.RegisterAsync(alice);
            await WebSteps.StartDirectAsync(alice, bobName);

            // The second chunk is held, so the upload is surely running when it is cancelled.
            string? location = null;
            var deleted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await RouteUploadsAsync(alice, route =>
            {
                var request = route.Request;
                if (request.Method == "PATCH" && long.Parse(request.Headers["upload-offset"], CultureInfo.InvariantCulture) > 0)
                {
                    location = new Uri(request.Url).AbsolutePath;
                    held.TrySetResult();
                    return true;
                }

                if (request.Method == "DELETE")
                {
                    deleted.TrySetResult(new Uri(request.Url).AbsolutePath);
                }

                return false;
            });

            await WebSteps.AttachAsync(alice, path);
            await held.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var upload = alice.Page.Locator("#attachments .upload");
            var terminated = alice.Page.WaitForResponseAsync(r => r.Request.Method == "DELETE" && r.Url.Contains("/v1/media/uploads/", StringComparison.Ordinal), new() { Timeout = Timeout });
            await upload.GetByRole(AriaRole.Button, new() { Name = "Cancel the upload of long.mp4" }).ClickAsync();
            await Expect(upload).ToHaveCountAsync(0, new() { Timeout = Timeout });
            Assert.Equal(location, await deleted.Task.WaitAsync(TimeSpan.FromSeconds(30)));

            var answer = await terminated;
            Assert.Equal(204, answer.Status);

            // The server no longer knows the upload; the browser forgot it too.
            using var http = fixture.Instance.CreateHttpClient();
            using var head = new HttpRequestMessage(HttpMethod.Head, location);
            head.Headers.Add("Tus-Resumable", "1.0.0");
            head.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await WebSteps.TokenAsync(alice));
            using var response = await http.SendAsync(head);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(0, await RememberedUploadsAsync(alice));
        });
    }

    [Fact]
    public async Task A_dropped_photo_and_a_pasted_voice_note_go_in_one_message_and_the_voice_note_plays_inline()
    {
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            await WebSteps.DropFileAsync(alice, "dropped.png", "image/png", TestImages.Png(96, 64));
            await Expect(alice.Page.Locator("#attachments .upload")).ToHaveCountAsync(1, new() { Timeout = Timeout });
            await WebSteps.PasteFileAsync(alice, "voice.ogg", "audio/ogg", TestMediaFiles.OggOpus(4_000));
            await WebSteps.WaitAttachmentsReadyAsync(alice, 2);
            await WebSteps.SendComposedAsync(alice);

            var linkRequests = 0;
            bob.Page.Request += (_, request) =>
            {
                if (request.Url.Contains("/v1/media/links", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref linkRequests);
                }
            };
            await WebSteps.OpenAsync(bob, alice.Name);
            var message = bob.Page.Locator("#messages .message").Last;
            await WebSteps.ImageLoadedAsync(bob, message.Locator("img.thumbnail"));
            var audio = message.Locator("audio");
            await Expect(audio).ToHaveCountAsync(1, new() { Timeout = Timeout });
            await Expect(audio).ToHaveAttributeAsync("controls", "", new() { Timeout = Timeout });
            await Expect(audio).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("."), new() { Timeout = Timeout });
            await Expect(message.Locator("figcaption")).ToHaveTextAsync("0:04", new() { Timeout = Timeout });
            // An attachment-only message has no empty text line; both media of the page came from one request for links.
            await Expect(message.Locator(".body")).ToHaveCountAsync(0, new() { Timeout = Timeout });
            Assert.Equal(1, Volatile.Read(ref linkRequests));

            // The placeholder painted before a thumbnail arrives: BlurHash's own example decodes; a broken hash is no picture.
            Assert.True(await bob.Page.EvaluateAsync<bool>("async () => (await import('/media.js')).blurhashDataUrl('LEHV6nWB2yk8pyo0adR*.7kCMdnj')?.startsWith('data:image/png') === true"));
            Assert.True(await bob.Page.EvaluateAsync<bool>("async () => (await import('/media.js')).blurhashDataUrl('LEHV6nWB2yk8pyo0adR*.7kCMdn') === null"));
        });
    }

    [Fact]
    public async Task A_refused_file_shows_the_servers_reason_and_sends_nothing()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "photo.jpg");
        await File.WriteAllTextAsync(path, "This is not a photo at all, only some text pretending to be one.\n");
        await using var alice = await UserAsync();
        await using var bob = await UserAsync();
        await WebSteps.RunAsync([alice, bob], async () =>
        {
            await WebSteps.RegisterAndStartChatAsync(alice, bob);
            await WebSteps.AttachAsync(alice, path);
            var upload = alice.Page.Locator("#attachments .upload");
            await Expect(upload).ToHaveAttributeAsync("data-upload-state", "failed", new() { Timeout = Slow });
            await Expect(upload.GetByRole(AriaRole.Alert)).ToContainTextAsync("not accepted", new() { Timeout = Timeout });

            await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
            await Expect(alice.Page.Locator("#composer-error")).ToContainTextAsync("could not be uploaded", new() { Timeout = Timeout });
            await Expect(alice.Page.Locator("#messages .message")).ToHaveCountAsync(0, new() { Timeout = Timeout });

            // Removing it leaves an empty composer; the conversation holds no message.
            await upload.GetByRole(AriaRole.Button, new() { Name = "Remove photo.jpg" }).ClickAsync();
            await Expect(upload).ToHaveCountAsync(0, new() { Timeout = Timeout });
            var conversationId = await alice.Page.Locator("#messages").GetAttributeAsync("data-conversation-id");
            using var http = fixture.Instance.CreateHttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/conversations/{conversationId}/messages");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await WebSteps.TokenAsync(alice));
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"messages\":[]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        });
    }

    /// <summary>A valid MP4 (ftyp, a moov with one 640×360 video track, then an mdat of random bytes) of about <paramref name="length"/> bytes.</summary>
    private static long WriteVideo(string path, int length)
    {
        byte[] head =
        [
            .. TestMediaFiles.FileType("isom", "isom", "iso2", "avc1", "mp41"),
            .. TestMediaFiles.Box("moov", TestMediaFiles.MovieHeader(1000, 12_000), TestMediaFiles.Track("vide", 640, 360)),
        ];
        var payload = length - head.Length - 8;
        using var file = File.Create(path);
        file.Write(head);
        var mdat = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(mdat, (uint)(payload + 8));
        "mdat"u8.CopyTo(mdat.AsSpan(4));
        file.Write(mdat);
        var random = new Random(50);
        var buffer = new byte[1024 * 1024];
        for (var left = payload; left > 0; left -= buffer.Length)
        {
            random.NextBytes(buffer);
            file.Write(buffer, 0, Math.Min(left, buffer.Length));
        }

        return file.Length;
    }

    private static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static async Task<HttpStatusCode> GetStatusAsync(HttpClient http, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    /// <summary>
    /// Sends the page's tus requests through <paramref name="intercept"/>; one it did not handle (false) goes on to
    /// the server. A request the page gave up on meanwhile is no error.
    /// </summary>
    private static async Task RouteUploadsAsync(BrowserUser user, Func<IRoute, Task<bool>> intercept) =>
        await user.Context.RouteAsync(url => url.Contains("/v1/media/uploads", StringComparison.Ordinal), async route =>
        {
            try
            {
                if (!await intercept(route))
                {
                    await route.ContinueAsync();
                }
            }
            catch (PlaywrightException)
            {
                // The page gave up on this request meanwhile.
            }
        });

    private static Task RouteUploadsAsync(BrowserUser user, Func<IRoute, bool> intercept) =>
        RouteUploadsAsync(user, route => Task.FromResult(intercept(route)));

    /// <summary>How many unfinished uploads the page remembers for resuming after a reload.</summary>
    private static Task<int> RememberedUploadsAsync(BrowserUser user) =>
        user.Page.EvaluateAsync<int>("() => Object.keys(JSON.parse(localStorage.getItem('roost.uploads') ?? '{}')).length");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private Task<BrowserUser> UserAsync() => WebSteps.NewUserAsync(fixture.Browser, fixture.Instance.BaseAddress);
}
