using System.Diagnostics;
using System.Net;
using Roost.Server.Tests.Infrastructure;
using Roost.Server.Tests.Messaging;
using Roost.Testing;

namespace Roost.Server.Tests.Hosting;

/// <summary>
/// A data folder that runs out of space, for real: the instance runs on a small tmpfs that the test fills. Writes
/// answer storage_full (507 over REST, an error frame over WebSocket) with a retry hint, nothing failed is stored or
/// acknowledged, /readyz says why, and the server recovers by itself once space is freed.
/// </summary>
public sealed class DiskFullTests
{
    [Fact]
    public async Task A_full_disk_answers_storage_full_loses_nothing_and_recovers_when_space_returns()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, "Mounting a small tmpfs needs root on Linux.");
        using var data = new TempDirectory();
        var (mounted, why) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", data.Path);
        Assert.SkipUnless(mounted, "This root cannot mount a tmpfs (no CAP_SYS_ADMIN): " + why);
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        try
        {
            await using var instance = await RoostInstance.StartInAsync(data, RoostInstance.SqliteOnly, time: clock);
            using var chat = await instance.StartDirectChatAsync();
            await using var live = await chat.Alice.ConnectLiveAsync();
            Assert.Equal(1, (await live.SendMessageAsync(chat.Conversation.Id, "before", clientId: "before").DefaultTimeout()).Seq);
            using var http = instance.CreateHttpClient();

            var filler = Path.Combine(data.Path, "filler");
            FillDisk(filler);

            // A commit may still fit in space the WAL already holds (SQLite reuses it once a checkpoint copied it all),
            // so sends go on, bounded, until one is refused; every one acknowledged meanwhile must be kept.
            var acknowledged = new List<string>();
            Client.Realtime.RoostRealtimeException? refused = null;
            for (var attempt = 0; attempt < 40 && refused is null; attempt++)
            {
                try
                {
                    await live.SendMessageAsync(chat.Conversation.Id, "while full " + attempt, clientId: "full-" + attempt).DefaultTimeout();
                    acknowledged.Add("while full " + attempt);
                }
                catch (Client.Realtime.RoostRealtimeException failure)
                {
                    Assert.Equal("storage_full", failure.Code);
                    refused = failure;
                }
            }

            Assert.NotNull(refused);
            Assert.NotNull(refused.RetryAfter);
            var refusedClientId = "full-" + acknowledged.Count;
            var rest = await Assert.ThrowsAsync<Client.RoostApiException>(() => chat.Alice.SendMessageAsync(chat.Conversation.Id, "over REST", clientId: "full-rest")).DefaultTimeout();
            Assert.Equal(HttpStatusCode.InsufficientStorage, rest.Status);
            Assert.Equal("storage_full", rest.Code);
            Assert.NotNull(rest.RetryAfter);

            using (var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative)).DefaultTimeout())
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("storage_full", await ready.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
            }

            // The connection and the server are fine: reads work, and the connection stays open. A commit that
            // writes nothing (a duplicate) does not end the episode.
            Assert.Equal("pong", (await live.PingAsync().DefaultTimeout()).Type);
            Assert.True((await live.SendMessageAsync(chat.Conversation.Id, "before", clientId: "before").DefaultTimeout()).Duplicate);
            using (var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative)).DefaultTimeout())
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            }

            File.Delete(filler);

            // With nothing written by clients (a load balancer took the node out), readiness notices the space by itself.
            clock.Advance(TimeSpan.FromSeconds(10));
            using (var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative)).DefaultTimeout())
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            // The refused client ids were never stored: they get new messages now, not duplicates.
            var after = await live.SendMessageAsync(chat.Conversation.Id, "while full", clientId: refusedClientId).DefaultTimeout();
            Assert.Equal(2 + acknowledged.Count, after.Seq);
            Assert.False(after.Duplicate);
            Assert.Equal(3 + acknowledged.Count, (await chat.Alice.SendMessageAsync(chat.Conversation.Id, "over REST", clientId: "full-rest").DefaultTimeout()).Seq);
            using (var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative)).DefaultTimeout())
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            var history = await chat.Bob.GetMessagesAsync(chat.Conversation.Id).DefaultTimeout();
            Assert.Equal(["before", .. acknowledged, "while full", "over REST"], history.Messages.Select(m => m.Body));
        }
        finally
        {
            var (unmounted, problem) = await RunAsync("umount", "-l", data.Path);
            Assert.True(unmounted, "umount failed: " + problem);
        }
    }

    /// <summary>Writes until the file system refuses, in large then page-sized pieces, so not one page is left.</summary>
    private static void FillDisk(string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        foreach (var size in new[] { 1 << 20, 4096, 512 })
        {
            var chunk = new byte[size];
            try
            {
                // Bounded: a 6 MiB file system takes at most a few thousand pieces of any of these sizes.
                for (var i = 0; i < 100_000; i++)
                {
                    file.Write(chunk);
                }
            }
            catch (IOException)
            {
                // Full at this size; try a smaller one.
            }
        }
    }

    private static async Task<(bool Succeeded, string Error)> RunAsync(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().DefaultTimeout();
        return (process.ExitCode == 0, await error.DefaultTimeout());
    }
}
