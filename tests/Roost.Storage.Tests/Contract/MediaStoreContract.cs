using Roost.Core.Media;
using Roost.Core.Messaging;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>
/// What every engine's media store must do: uploads within their limits and counted chunk by chunk at the right
/// offset, a processing queue with leases, content-addressed blobs shared by files, attachments referenced by the
/// message append and released by its deletion, reads only for those who may see, and garbage collected.
/// </summary>
public abstract class MediaStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    private static readonly MediaLimits Limits = new() { MaxUploadsInProgress = 2, DailyBytes = 1_000_000 };

    [Fact]
    public async Task Chunks_are_counted_at_the_current_offset_only_and_the_last_one_queues_processing()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        var upload = await CreateAsync(alice, 300);

        Assert.Equal(0, upload.Received);
        Assert.Equal("upload_offset_mismatch", (await AppendAsync(upload.Id, alice, 100, 50)).Code());
        var first = (await AppendAsync(upload.Id, alice, 0, 100, "application/pdf")).Succeeded();
        Assert.Equal(100, first.Received);
        Assert.Equal(MediaState.Uploading, first.State);
        Assert.Equal("upload_exceeds_length", (await AppendAsync(upload.Id, alice, 100, 250)).Code());
        Assert.Equal("media_not_found", (await AppendAsync(upload.Id, alice + 999, 100, 10)).Code());
        Assert.Empty(await Store.Media.ClaimJobsAsync(Now, Now.AddMinutes(1), 10, None));

        var last = (await AppendAsync(upload.Id, alice, 100, 200)).Succeeded();
        Assert.Equal(MediaState.Processing, last.State);
        Assert.Equal("application/pdf", last.ContentType);
        var job = Assert.Single(await Store.Media.ClaimJobsAsync(Now, Now.AddMinutes(1), 10, None));
        Assert.Equal([0L, 100L], job.Chunks.Select(c => c.Offset));
        Assert.Equal(300, job.Length);
        Assert.Empty(await Store.Media.ClaimJobsAsync(Now, Now.AddMinutes(1), 10, None)); // leased
        Assert.Single(await Store.Media.ClaimJobsAsync(Now.AddMinutes(2), Now.AddMinutes(3), 10, None)); // the lease ran out
    }

    [Fact]
    public async Task Uploads_in_progress_and_daily_bytes_are_limited_per_account()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        await CreateAsync(alice, 100);
        await CreateAsync(alice, 100);
        Assert.Equal(MediaErrorCodes.TooManyUploads, (await TryCreateAsync(alice, 100)).Code());

        var bob = (await Store.AccountAsync("bob", Now)).Id;
        await CreateAsync(bob, 900_000);
        Assert.Equal(MediaErrorCodes.DailyQuota, (await TryCreateAsync(bob, 200_000)).Code());
        Assert.True((await TryCreateAsync(bob, 200_000, Now.AddDays(1))).IsSuccess);
    }

    [Fact]
    public async Task Media_is_seen_by_its_uploader_and_by_members_of_conversations_it_was_sent_to_until_the_message_goes()
    {
        var (alice, bob, carol) = await ThreeAsync();
        var conversation = await Store.DirectAsync(alice, bob, Now);
        var id = await ReadyMediaAsync(alice, "blobs/aa/" + new string('a', 64));

        Assert.NotNull(await Store.Media.GetForViewerAsync(id, alice, None));
        Assert.Null(await Store.Media.GetForViewerAsync(id, bob, None));
        Assert.True(await Store.Media.ExistsAsync(id, None));

        var bobsAttempt = await Store.Messages.AppendAsync(new NewMessage(conversation, bob, "c1", "", null, Now, [id]), None);
        Assert.Equal(MediaErrorCodes.NotFound, bobsAttempt.Code());
        var sent = (await Store.Messages.AppendAsync(new NewMessage(conversation, alice, "a1", "", null, Now, [id]), None)).Succeeded();
        var viewed = await Store.Media.GetForViewerAsync(id, bob, None);
        Assert.NotNull(viewed);
        Assert.Equal(1, viewed.References);
        Assert.Null(await Store.Media.GetForViewerAsync(id, carol, None));
        var message = Assert.Single(await Store.HistoryAsync(conversation, bob));
        var attachment = Assert.Single(message.Attachments!);
        Assert.Equal(id, attachment.Id);
        Assert.Equal("application/pdf", attachment.ContentType);

        (await Store.Messages.DeleteAsync(conversation, sent.Seq, alice, Now, None)).Succeeded();
        Assert.Null(await Store.Media.GetForViewerAsync(id, bob, None));
        Assert.Null(Assert.Single(await Store.HistoryAsync(conversation, bob)).Attachments);

        // No message carries it now: the sweeper deletes it, then (after the grace period) its blob.
        await Store.Media.CollectGarbageAsync(Now.AddMinutes(1), Now.AddMinutes(-10), 100, None);
        Assert.False(await Store.Media.ExistsAsync(id, None));
        var keys = await Store.Media.CollectGarbageAsync(Now.AddHours(1), Now.AddMinutes(30), 100, None);
        Assert.Contains("blobs/aa/" + new string('a', 64), keys);
        await Store.Media.ForgetDeletedAsync(keys, None);
        Assert.Empty(await Store.Media.CollectGarbageAsync(Now.AddHours(1), Now.AddMinutes(30), 100, None));
    }

    [Fact]
    public async Task Identical_files_share_one_blob_which_lives_while_any_file_names_it()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        var key = "blobs/bb/" + new string('b', 64);
        var first = await CreateAsync(alice, 10);
        (await AppendAsync(first.Id, alice, 0, 10, "application/pdf")).Succeeded();
        var reservation = await Store.Media.ReserveFilesAsync(first.Id, [File(key)], Now, None);
        Assert.Equal([key], reservation.ToWrite);
        Assert.True(await Store.Media.CompleteJobAsync(first.Id, Processed(key), Now, Now.AddHours(1), None));

        var second = await CreateAsync(alice, 10);
        (await AppendAsync(second.Id, alice, 0, 10, "application/pdf")).Succeeded();
        Assert.Empty((await Store.Media.ReserveFilesAsync(second.Id, [File(key)], Now, None)).ToWrite); // already stored
        Assert.True(await Store.Media.CompleteJobAsync(second.Id, Processed(key), Now, Now.AddHours(1), None));
        Assert.False(await Store.Media.CompleteJobAsync(second.Id, Processed(key), Now, Now.AddHours(1), None)); // done once

        Assert.NotNull(await Store.Media.DeleteAsync(first.Id, alice, None));
        var whileShared = await Store.Media.CollectGarbageAsync(Now.AddMinutes(30), Now.AddDays(1), 100, None);
        Assert.DoesNotContain(key, whileShared);
        Assert.NotNull(await Store.Media.DeleteAsync(second.Id, alice, None));
        Assert.Contains(key, await Store.Media.CollectGarbageAsync(Now.AddDays(1), Now.AddDays(1), 100, None));
    }

    [Fact]
    public async Task An_expired_upload_is_refused_and_collected_with_its_chunks()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        var upload = await CreateAsync(alice, 300);
        (await AppendAsync(upload.Id, alice, 0, 100, "application/pdf", "staging/x/1")).Succeeded();

        var late = await Store.Media.AppendChunkAsync(new NewChunk(upload.Id, alice, 100, 10, "staging/x/2", null, null, Now.AddDays(2)), Limits, None);
        Assert.Equal(MediaErrorCodes.Expired, late.Code());
        var keys = await Store.Media.CollectGarbageAsync(Now.AddDays(2), Now, 100, None);
        Assert.Contains("staging/x/1", keys);
        Assert.Null(await Store.Media.GetUploadAsync(upload.Id, alice, None));
    }

    private async Task<(long Alice, long Bob, long Carol)> ThreeAsync() =>
        ((await Store.AccountAsync("alice", Now)).Id, (await Store.AccountAsync("bob", Now)).Id, (await Store.AccountAsync("carol", Now)).Id);

    private async Task<string> ReadyMediaAsync(long owner, string key)
    {
        var upload = await CreateAsync(owner, 10);
        (await AppendAsync(upload.Id, owner, 0, 10, "application/pdf")).Succeeded();
        Assert.Single(await Store.Media.ClaimJobsAsync(Now, Now.AddMinutes(1), 10, None));
        Assert.False((await Store.Media.ReserveFilesAsync(upload.Id, [File(key)], Now, None)).Busy);
        Assert.True(await Store.Media.CompleteJobAsync(upload.Id, Processed(key), Now, Now.AddHours(1), None));
        return upload.Id;
    }

    private static MediaFile File(string key) => new(MediaFile.Full, key, "application/pdf", 10, null, null);

    private static ProcessedMedia Processed(string key) => new("application/pdf", 10, null, null, null, null, [File(key)]);

    private async Task<MediaUpload> CreateAsync(long account, long length) => (await TryCreateAsync(account, length)).Succeeded();

    private Task<Core.Errors.Outcome<MediaUpload>> TryCreateAsync(long account, long length, DateTimeOffset? at = null) =>
        Store.Media.CreateUploadAsync(new NewUpload(MediaIds.New(), account, length, null, "a.pdf", null, at ?? Now, (at ?? Now).AddDays(1)), Limits, None);

    private Task<Core.Errors.Outcome<MediaUpload>> AppendAsync(string id, long account, long offset, long length, string? type = null, string? key = null) =>
        Store.Media.AppendChunkAsync(new NewChunk(id, account, offset, length, key ?? BlobKeys.ForChunk(id, offset), type, null, Now), Limits, None);
}
