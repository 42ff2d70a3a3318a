using System.Net;
using System.Security.Cryptography;
using Roost.Client;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using static Roost.Server.Tests.Media.MediaTestSupport;

namespace Roost.Server.Tests.Media;

/// <summary>tus 1.0 at /v1/media/uploads on a whole instance, on the run's engine: resuming, checksums, offsets, expiry, termination.</summary>
public sealed class TusUploadTests
{
    [Fact]
    public async Task An_upload_broken_off_at_random_offsets_resumes_across_a_restart_and_stores_the_exact_bytes()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        var original = Document(600_000);
        var location = Location(await CreateAsync(MediaTestSupport.Http(instance.BaseAddress, alice), original.Length, "report.pdf", "application/pdf"));
        var random = new Random(42);

        long acknowledged = 0;
        for (var round = 0; round < 4; round++)
        {
            using var http = MediaTestSupport.Http(instance.BaseAddress, alice);
            var offset = await SettledOffsetAsync(http, location);
            Assert.InRange(offset, acknowledged, original.Length);

            // A whole chunk of random size, then one that breaks off at a random point (what arrived of it may count).
            var whole = (int)Math.Min(original.Length - offset, MediaSnifferHead + random.Next(1, 60_000));
            var sent = await PatchAsync(http, location, offset, original[(int)offset..(int)(offset + whole)]);
            Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
            acknowledged = Offset(sent);
            var remaining = original.Length - acknowledged;
            await SendBrokenAsync(http, location, acknowledged, original.AsMemory((int)acknowledged, (int)remaining), (int)Math.Min(remaining, random.Next(1, 80_000)));
            if (round == 1)
            {
                await instance.RestartAsync().DefaultTimeout();
            }
        }

        using (var http = MediaTestSupport.Http(instance.BaseAddress, alice))
        {
            var offset = await SettledOffsetAsync(http, location);
            Assert.InRange(offset, acknowledged, original.Length);
            var rest = await PatchAsync(http, location, offset, original[(int)offset..]);
            Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
            Assert.Equal(original.Length, Offset(rest));
        }

        // The restart moved the instance to a new port; the session is the same.
        using var again = instance.CreateClient();
        again.AccessToken = alice.AccessToken;
        var info = await WaitProcessedAsync(again, IdOf(location));
        Assert.Equal("ready", info.State);
        Assert.Equal("application/pdf", info.ContentType);
        Assert.Equal(SHA256.HashData(original), SHA256.HashData(await again.DownloadMediaAsync(info.Id).DefaultTimeout()));
    }

    [Fact]
#pragma warning disable CA5350, CA5351 // tus names sha1 (and md5, refused here) as checksum algorithms: integrity, not security.
    public async Task A_chunk_whose_checksum_does_not_match_is_refused_with_460_and_leaves_the_offset()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        using var http = MediaTestSupport.Http(instance.BaseAddress, alice);
        var bytes = Document(10_000);
        var location = Location(await CreateAsync(http, bytes.Length, "a.pdf"));

        var wrong = await PatchAsync(http, location, 0, bytes, "sha1 " + Convert.ToBase64String(SHA1.HashData("something else"u8)));
        Assert.Equal(460, (int)wrong.StatusCode);
        Assert.Equal(0, Offset(await HeadAsync(http, location)));

        var unsupported = await PatchAsync(http, location, 0, bytes, "md5 " + Convert.ToBase64String(MD5.HashData(bytes)));
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);

        var right = await PatchAsync(http, location, 0, bytes, "sha256 " + Convert.ToBase64String(SHA256.HashData(bytes)));
        Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
        Assert.Equal(bytes.Length, Offset(right));
    }
#pragma warning restore CA5350, CA5351

    [Fact]
    public async Task A_patch_at_the_wrong_offset_gets_409_and_changes_nothing()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        using var http = MediaTestSupport.Http(instance.BaseAddress, alice);
        var bytes = Document(20_000);
        var location = Location(await CreateAsync(http, bytes.Length, "a.pdf", firstChunk: bytes[..8_000]));

        var conflict = await PatchAsync(http, location, 5_000, bytes[5_000..]);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(8_000, Offset(await HeadAsync(http, location)));
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(http, location, 8_000, bytes[8_000..])).StatusCode);
    }

    [Fact]
    public async Task An_upload_not_finished_in_time_expires_with_410()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Media:UploadLifetime"] = "01:00:00" }, time);
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        using var http = MediaTestSupport.Http(instance.BaseAddress, alice);
        var bytes = Document(20_000);
        var created = await CreateAsync(http, bytes.Length, "a.pdf", firstChunk: bytes[..8_000]);
        var location = Location(created);
        Assert.True(created.Headers.Contains("Upload-Expires"));

        time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.Gone, (await HeadAsync(http, location)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await PatchAsync(http, location, 8_000, bytes[8_000..])).StatusCode);
    }

    [Fact]
    public async Task Discovery_version_checks_termination_and_another_users_upload()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        var (mallory, _, _) = await instance.RegisterAndLoginAsync();
        using var http = MediaTestSupport.Http(instance.BaseAddress, alice);

        var options = await http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/v1/media/uploads")).DefaultTimeout();
        Assert.Equal("1.0.0", options.Headers.GetValues("Tus-Version").Single());
        Assert.Contains("checksum", options.Headers.GetValues("Tus-Extension").Single(), StringComparison.Ordinal);
        Assert.Contains("sha1", options.Headers.GetValues("Tus-Checksum-Algorithm").Single(), StringComparison.Ordinal);

        var oldVersion = new HttpRequestMessage(HttpMethod.Post, "/v1/media/uploads");
        oldVersion.Headers.Add("Tus-Resumable", "0.2.2");
        oldVersion.Headers.Add("Upload-Length", "10");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await http.SendAsync(oldVersion).DefaultTimeout()).StatusCode);

        var tooBig = await CreateAsync(http, 100L * 1024 * 1024 * 1024, "huge.pdf");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);

        var bytes = Document(20_000);
        var location = Location(await CreateAsync(http, bytes.Length, "a.pdf", firstChunk: bytes[..8_000]));
        using (var other = MediaTestSupport.Http(instance.BaseAddress, mallory))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await HeadAsync(other, location)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(other, location, 8_000, bytes[8_000..])).StatusCode);
        }

        var delete = new HttpRequestMessage(HttpMethod.Delete, location);
        delete.Headers.Add("Tus-Resumable", "1.0.0");
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(delete).DefaultTimeout()).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await HeadAsync(http, location)).StatusCode);
    }

    [Fact]
    public async Task A_deferred_length_is_held_to_the_limits_and_a_refused_creation_with_upload_leaves_nothing_behind()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:Media:MaxUploadsInProgress"] = "1",
            ["Roost:Media:MaxDocumentBytes"] = "100000",
        });
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        using var http = MediaTestSupport.Http(instance.BaseAddress, alice);
        var bytes = Document(20_000);

        // Deferred: the first chunk fixes the type (a document), so a length over the document limit, or one that
        // would overflow any sum, is refused with 413 (never a 500) and leaves the offset.
        var deferred = new HttpRequestMessage(HttpMethod.Post, "/v1/media/uploads") { Content = OffsetContent(bytes[..8_000]) };
        deferred.Headers.Add("Tus-Resumable", "1.0.0");
        deferred.Headers.Add("Upload-Defer-Length", "1");
        deferred.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String("notes.pdf"u8.ToArray()));
        var location = Location(await http.SendAsync(deferred).DefaultTimeout());
        foreach (var declared in new[] { long.MaxValue, 100_001L })
        {
            var declaring = new HttpRequestMessage(HttpMethod.Patch, location) { Content = OffsetContent(bytes[8_000..]) };
            declaring.Headers.Add("Tus-Resumable", "1.0.0");
            declaring.Headers.Add("Upload-Offset", "8000");
            declaring.Headers.Add("Upload-Length", declared.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var refused = await http.SendAsync(declaring).DefaultTimeout();
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
            Assert.Contains("media_too_large", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(8_000, Offset(await HeadAsync(http, location)));
        }

        var delete = new HttpRequestMessage(HttpMethod.Delete, location);
        delete.Headers.Add("Tus-Resumable", "1.0.0");
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(delete).DefaultTimeout()).StatusCode);

        // A creation-with-upload refused for its body (a wrong checksum here) answers without a Location, so the
        // upload is gone at once: the one upload allowed in progress is free again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var create = new HttpRequestMessage(HttpMethod.Post, "/v1/media/uploads") { Content = OffsetContent(bytes[..8_000]) };
            create.Headers.Add("Tus-Resumable", "1.0.0");
            create.Headers.Add("Upload-Length", "20000");
            create.Headers.Add("Upload-Checksum", "sha256 " + Convert.ToBase64String(SHA256.HashData(bytes[1..8_001])));
            var refused = await http.SendAsync(create).DefaultTimeout();
            Assert.Equal((HttpStatusCode)460, refused.StatusCode);
            Assert.Null(refused.Headers.Location);
        }

        var fine = await CreateAsync(http, bytes.Length, "notes.pdf", firstChunk: bytes[..8_000]);
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
    }

    [Fact]
    public async Task Upload_bodies_are_bounded_per_node_and_refused_before_a_byte_when_the_disk_is_short()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Media:MaxConcurrentChunkWrites"] = "1" });
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        var (bob, _, _) = await instance.RegisterAndLoginAsync();
        using var aliceHttp = MediaTestSupport.Http(instance.BaseAddress, alice);
        using var bobHttp = MediaTestSupport.Http(instance.BaseAddress, bob);
        var bytes = Document(20_000);
        var first = Location(await CreateAsync(aliceHttp, bytes.Length, "a.pdf", firstChunk: bytes[..8_000]));
        var second = Location(await CreateAsync(bobHttp, bytes.Length, "b.pdf", firstChunk: bytes[..8_000]));

        // Alice's body is held open mid-way: the node's one writer slot is hers until it ends.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new HttpRequestMessage(HttpMethod.Patch, first) { Content = new HeldContent(bytes.AsMemory(8_000), 1_000, release.Task) };
        held.Headers.Add("Tus-Resumable", "1.0.0");
        held.Headers.Add("Upload-Offset", "8000");
        held.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");
        var holding = aliceHttp.SendAsync(held);

        // The body is spooled to a file named after the upload once the slot is taken: wait for it (bounded), so
        // Bob's probe cannot take the slot first.
        using (var limit = new CancellationTokenSource(TimeoutExtensions.Limit))
        {
            var spool = Path.Combine(instance.DataDirectory, "media-tmp");
            while (!Directory.EnumerateFiles(spool, $"{IdOf(first)}-*").Any())
            {
                Assert.False(holding.IsCompleted);
                await Task.Delay(10, limit.Token);
            }
        }

        var busy = await PatchAsync(bobHttp, second, 8_000, []);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Contains("upload_busy", await busy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(busy.Headers.RetryAfter);
        release.SetResult();
        Assert.Equal(HttpStatusCode.NoContent, (await holding.DefaultTimeout()).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PatchAsync(bobHttp, second, 8_000, bytes[8_000..])).StatusCode);

        // A node whose data disk is below the floor takes no body at all (and keeps the offset).
        await using var full = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Media:MinFreeDiskBytes"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var (carol, _, _) = await full.RegisterAndLoginAsync();
        using var carolHttp = MediaTestSupport.Http(full.BaseAddress, carol);
        var location = Location(await CreateAsync(carolHttp, bytes.Length, "c.pdf"));
        var refused = await PatchAsync(carolHttp, location, 0, bytes);
        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
        Assert.Contains("storage_full", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Offset(await HeadAsync(carolHttp, location)));
        alice.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    private const int MediaSnifferHead = 4096;

    /// <summary>Sends <paramref name="cut"/> bytes of a PATCH, then breaks the request off as a dropped connection would.</summary>
    private static async Task SendBrokenAsync(HttpClient http, string location, long offset, ReadOnlyMemory<byte> rest, int cut)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, location);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Content = new BrokenContent(rest, cut);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");
        request.Content.Headers.ContentLength = rest.Length;
        await Assert.ThrowsAnyAsync<Exception>(() => http.SendAsync(request)).DefaultTimeout();
    }

    /// <summary>The offset once the server has finished with a broken request (a HEAD may come before it counted the part it got).</summary>
    private static async Task<long> SettledOffsetAsync(HttpClient http, string location)
    {
        using var limit = new CancellationTokenSource(TimeoutExtensions.Limit);
        var last = -1L;
        while (true)
        {
            var offset = Offset(await HeadAsync(http, location));
            var probe = await PatchAsync(http, location, offset, []);
            if (probe.StatusCode == HttpStatusCode.NoContent && offset == last)
            {
                return offset;
            }

            last = probe.StatusCode == HttpStatusCode.NoContent ? offset : -1;
            await Task.Delay(50, limit.Token);
        }
    }

    /// <summary>Writes the first bytes of a body, waits for <paramref name="release"/>, then writes the rest.</summary>
    private sealed class HeldContent(ReadOnlyMemory<byte> bytes, int before, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes[..before]);
            await stream.FlushAsync();
            await release.WaitAsync(TimeoutExtensions.Limit);
            await stream.WriteAsync(bytes[before..]);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    /// <summary>Writes the first bytes of a body, then fails the way a lost network does.</summary>
    private sealed class BrokenContent(ReadOnlyMemory<byte> bytes, int cut) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes[..cut]);
            await stream.FlushAsync();
            throw new IOException("The network went away.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
