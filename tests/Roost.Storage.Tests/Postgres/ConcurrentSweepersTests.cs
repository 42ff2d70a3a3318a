using System.Globalization;
using Roost.Core.Media;
using Roost.Core.Storage;
using Roost.Storage.Tests.Contract;
using Roost.Testing;

namespace Roost.Storage.Tests.Postgres;

/// <summary>
/// Two nodes' sweepers on one database collect at the same time: each blob is claimed by one of them only, so no
/// object is deleted twice (the second delete could hit bytes written again after the first forgot the row).
/// </summary>
public sealed class ConcurrentSweepersTests : IAsyncLifetime
{
    private const int Blobs = 40;
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly MediaLimits Limits = new() { MaxUploadsInProgress = 2, DailyBytes = 1_000_000_000 };

    private readonly PostgresNodes _nodes = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [Fact]
    public async Task Two_sweepers_collecting_at_once_never_both_claim_a_blob()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var alice = (await PostgresNodes.CreateAccountAsync(first, "alice", Now)).Id;
        var keys = new List<string>();
        for (var i = 0; i < Blobs; i++)
        {
            var key = BlobKeys.ForContent(i.ToString("x64", CultureInfo.InvariantCulture));
            keys.Add(key);
            var id = MediaIds.New();
            (await first.Media.CreateUploadAsync(new NewUpload(id, alice, 10, null, "a.pdf", null, Now, Now.AddDays(1)), Limits, None)).Succeeded();
            (await first.Media.AppendChunkAsync(new NewChunk(id, alice, 0, 10, BlobKeys.ForChunk(id, 0), "application/pdf", null, Now), Limits, None)).Succeeded();
            var file = new MediaFile(MediaFile.Full, key, "application/pdf", 10, null, null);
            Assert.False((await first.Media.ReserveFilesAsync(id, [file], Now, None)).Busy);
            Assert.True(await first.Media.CompleteJobAsync(id, new ProcessedMedia("application/pdf", 10, null, null, null, null, [file]), Now, Now.AddHours(1), None));
            Assert.NotNull(await first.Media.DeleteAsync(id, alice, None));
        }

        // Small batches, many rounds, both at once: each call must claim what the other did not.
        var at = Now.AddHours(1);
        var rounds = await Task.WhenAll(
            CollectRoundsAsync(first, at),
            CollectRoundsAsync(second, at.AddMilliseconds(1))).WaitAsync(TimeSpan.FromMinutes(2));
        var claimedByFirst = rounds[0].Where(k => k.StartsWith("blobs/", StringComparison.Ordinal)).ToList();
        var claimedBySecond = rounds[1].Where(k => k.StartsWith("blobs/", StringComparison.Ordinal)).ToList();
        Assert.Empty(claimedByFirst.Intersect(claimedBySecond));
        Assert.Equal(claimedByFirst.Count, claimedByFirst.Distinct().Count());
        Assert.Equal(claimedBySecond.Count, claimedBySecond.Distinct().Count());
        Assert.Equal(keys.Order(StringComparer.Ordinal), claimedByFirst.Concat(claimedBySecond).Order(StringComparer.Ordinal));
    }

    private static async Task<List<string>> CollectRoundsAsync(IRoostStore store, DateTimeOffset at)
    {
        var claimed = new List<string>();
        for (var round = 0; round < Blobs; round++)
        {
            claimed.AddRange(await store.Media.CollectGarbageAsync(at, at.AddMinutes(-10), at.AddHours(-1), 3, None).DefaultTimeout());
        }

        return claimed;
    }

    private Task<IRoostStore> OpenAsync() => _nodes.OpenAsync();
}
