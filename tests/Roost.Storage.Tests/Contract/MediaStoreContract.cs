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
        Assert.Empty(await ClaimAsync(Now, Now.AddMinutes(1)));

        var last = (await AppendAsync(upload.Id, alice, 100, 200)).Succeeded();
        Assert.Equal(MediaState.Processing, last.State);
        Assert.Equal("application/pdf", last.ContentType);
        var job = Assert.Single(await ClaimAsync(Now, Now.AddMinutes(1)));
        Assert.Equal([0L, 100L], job.Chunks.Select(c => c.Offset));
        Assert.Equal(300, job.Length);
        Assert.Empty(await ClaimAsync(Now, Now.AddMinutes(1))); // leased
        Assert.Single(await ClaimAsync(Now.AddMinutes(2), Now.AddMinutes(3))); // the lease ran out
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
        await CollectAsync(Now.AddMinutes(1), Now.AddMinutes(-10));
        Assert.False(await Store.Media.ExistsAsync(id, None));
        var keys = await CollectAsync(Now.AddHours(1), Now.AddMinutes(30));
        Assert.Contains("blobs/aa/" + new string('a', 64), keys);
        await Store.Media.ForgetDeletedAsync(keys, Now.AddHours(1), None);
        Assert.Empty(await CollectAsync(Now.AddHours(1), Now.AddMinutes(30)));
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
        var whileShared = await CollectAsync(Now.AddMinutes(30), Now.AddDays(1));
        Assert.DoesNotContain(key, whileShared);
        Assert.NotNull(await Store.Media.DeleteAsync(second.Id, alice, None));
        Assert.Contains(key, await CollectAsync(Now.AddDays(1), Now.AddDays(1)));
    }

    [Fact]
    public async Task An_expired_upload_is_refused_and_collected_with_its_chunks()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        var upload = await CreateAsync(alice, 300);
        (await AppendAsync(upload.Id, alice, 0, 100, "application/pdf", "staging/x/1")).Succeeded();

        var late = await Store.Media.AppendChunkAsync(new NewChunk(upload.Id, alice, 100, 10, "staging/x/2", null, null, Now.AddDays(2)), Limits, None);
        Assert.Equal(MediaErrorCodes.Expired, late.Code());
        var keys = await CollectAsync(Now.AddDays(2), Now);
        Assert.Contains("staging/x/1", keys);
        Assert.Null(await Store.Media.GetUploadAsync(upload.Id, alice, None));
    }

    [Fact]
    public async Task A_blob_is_handed_to_one_sweeper_until_its_claim_is_stale_and_forgotten_only_under_that_claim()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        var key = "blobs/cc/" + new string('c', 64);
        var id = await ReadyMediaAsync(alice, key);
        Assert.NotNull(await Store.Media.DeleteAsync(id, alice, None));

        var first = Now.AddMinutes(20);
        Assert.Contains(key, await CollectAsync(first, first.AddMinutes(-10)));
        Assert.DoesNotContain(key, await CollectAsync(first, first.AddMinutes(-10))); // another sweeper at the same time
        Assert.DoesNotContain(key, await CollectAsync(first.AddMinutes(9), first.AddMinutes(-1))); // later, the claim still fresh

        // The first sweeper died: once its claim is stale another takes it over.
        var second = first.AddMinutes(11);
        Assert.Contains(key, await CollectAsync(second, second.AddMinutes(-10)));
        Assert.DoesNotContain(key, await CollectAsync(second, second.AddMinutes(-10)));

        // A late forget of the first claim leaves the second's: the key stays busy until the second forgets it.
        var other = await ProcessingAsync(alice);
        await Store.Media.ForgetDeletedAsync([key], first, None);
        Assert.True((await Store.Media.ReserveFilesAsync(other, [File(key)], second, None)).Busy);
        await Store.Media.ForgetDeletedAsync([key], second, None);

        // Reserved afresh and stored again: no late forget of an old claim touches it, and no sweeper hands it out.
        var again = second.AddMinutes(1);
        Assert.Equal([key], (await Store.Media.ReserveFilesAsync(other, [File(key)], again, None)).ToWrite);
        await Store.Media.ForgetDeletedAsync([key], first, None);
        await Store.Media.ForgetDeletedAsync([key], second, None);
        Assert.True(await Store.Media.CompleteJobAsync(other, Processed(key), again, again.AddHours(1), None));
        await Store.Media.ForgetDeletedAsync([key], second, None);
        Assert.DoesNotContain(key, await CollectAsync(again.AddMinutes(30), again.AddMinutes(20)));
        Assert.Empty((await Store.Media.ReserveFilesAsync(other, [File(key)], again.AddMinutes(30), None)).ToWrite); // stored, still known
        Assert.Equal(MediaState.Ready, (await Store.Media.GetForViewerAsync(other, alice, None))!.State);
    }

    [Fact]
    public async Task A_reservation_never_completed_is_collected_after_the_long_grace_unless_a_file_names_it()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        var deleted = "blobs/dd/" + new string('d', 64);
        var failed = "blobs/de/" + new string('e', 64);
        var running = "blobs/df/" + new string('f', 64);

        // Deleted while processing: the put happened, CompleteJobAsync found nothing to complete.
        var gone = await ProcessingAsync(alice);
        Assert.Equal([deleted], (await Store.Media.ReserveFilesAsync(gone, [File(deleted)], Now, None)).ToWrite);
        Assert.NotNull(await Store.Media.DeleteAsync(gone, alice, None));
        Assert.False(await Store.Media.CompleteJobAsync(gone, Processed(deleted), Now, Now.AddHours(1), None));

        // Refused after the put.
        var refused = await ProcessingAsync(alice);
        Assert.Equal([failed], (await Store.Media.ReserveFilesAsync(refused, [File(failed)], Now, None)).ToWrite);
        await Store.Media.FailJobAsync(refused, MediaErrorCodes.Failed, Now, Now.AddDays(30), None);

        // Still processing (a long job): its file names the blob.
        var slow = await ProcessingAsync(alice);
        Assert.Equal([running], (await Store.Media.ReserveFilesAsync(slow, [File(running)], Now, None)).ToWrite);

        var early = await Store.Media.CollectGarbageAsync(Now.AddMinutes(30), Now.AddMinutes(20), Now.AddMinutes(-30), 100, None);
        Assert.DoesNotContain(deleted, early);
        Assert.DoesNotContain(failed, early);
        var late = await Store.Media.CollectGarbageAsync(Now.AddHours(2), Now.AddMinutes(110), Now.AddHours(1), 100, None);
        Assert.Contains(deleted, late);
        Assert.Contains(failed, late);
        Assert.DoesNotContain(running, late);
        Assert.True((await Store.Media.ReserveFilesAsync(slow, [File(deleted)], Now.AddHours(2), None)).Busy); // being deleted now
    }

    [Fact]
    public async Task A_job_whose_runs_never_finished_is_refused_at_claim_once_its_attempts_are_used_up()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        var key = "blobs/ee/" + new string('e', 64);
        var upload = await CreateAsync(alice, 10);
        (await AppendAsync(upload.Id, alice, 0, 10, "application/pdf", "staging/crash/1")).Succeeded();

        // Each run crashes the process: nothing fails the job, the lease just runs out.
        for (var attempt = 1; attempt <= MediaJobRules.MaxAttempts; attempt++)
        {
            var at = Now.AddMinutes(2 * attempt);
            var job = Assert.Single(await ClaimAsync(at, at.AddMinutes(1)));
            Assert.Equal(attempt, job.Attempts);
            Assert.False((await Store.Media.ReserveFilesAsync(upload.Id, [File(key)], at, None)).Busy);
        }

        var end = Now.AddMinutes(30);
        Assert.Empty(await Store.Media.ClaimJobsAsync(end, end.AddMinutes(1), 10, MediaJobRules.MaxAttempts, end.AddDays(1), None));
        var refused = await Store.Media.GetUploadAsync(upload.Id, alice, None);
        Assert.Equal(MediaState.Failed, refused!.State);
        Assert.Equal(MediaErrorCodes.Failed, refused.Error);
        Assert.Equal(end.AddDays(1), refused.ExpiresAt);
        Assert.Empty((await Store.Media.GetForViewerAsync(upload.Id, alice, None))!.Files);
        Assert.Empty(await ClaimAsync(end.AddHours(1), end.AddHours(2)));
        var keys = await Store.Media.CollectGarbageAsync(end.AddHours(2), end.AddHours(2), end.AddHours(1), 100, None);
        Assert.Contains("staging/crash/1", keys);
        Assert.Contains(key, keys);
        Assert.NotNull(await Store.Media.GetUploadAsync(upload.Id, alice, None)); // kept until keepUntil
    }

    [Fact]
    public async Task A_running_job_renews_its_lease_so_no_one_claims_it_meanwhile()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        var id = await ProcessingAsync(alice);
        Assert.Single(await ClaimAsync(Now, Now.AddMinutes(5)));
        Assert.True(await Store.Media.ExtendJobLeaseAsync(id, Now.AddMinutes(10), None));
        Assert.Empty(await ClaimAsync(Now.AddMinutes(6), Now.AddMinutes(11)));
        var job = Assert.Single(await ClaimAsync(Now.AddMinutes(10), Now.AddMinutes(15)));
        Assert.Equal(2, job.Attempts);

        var key = "blobs/ef/" + new string('f', 64);
        Assert.False((await Store.Media.ReserveFilesAsync(id, [File(key)], Now.AddMinutes(10), None)).Busy);
        Assert.True(await Store.Media.CompleteJobAsync(id, Processed(key), Now.AddMinutes(11), Now.AddHours(1), None));
        Assert.False(await Store.Media.ExtendJobLeaseAsync(id, Now.AddMinutes(20), None)); // no longer processing
        Assert.Empty(await ClaimAsync(Now.AddHours(1), Now.AddHours(2)));
        Assert.False(await Store.Media.ExtendJobLeaseAsync(MediaIds.New(), Now.AddMinutes(20), None));
    }

    [Fact]
    public async Task Waiting_for_a_blob_being_deleted_does_not_use_up_attempts_but_a_failure_does()
    {
        var alice = (await Store.AccountAsync("alice", Now)).Id;
        var key = "blobs/fa/" + new string('a', 64);
        Assert.NotNull(await Store.Media.DeleteAsync(await ReadyMediaAsync(alice, key), alice, None));
        var sweep = Now.AddMinutes(20);
        Assert.Contains(key, await CollectAsync(sweep, sweep.AddMinutes(-10))); // claimed; the sweeper is slow to delete

        var id = await ProcessingAsync(alice);
        for (var wait = 0; wait < 2 * MediaJobRules.MaxAttempts; wait++)
        {
            var at = sweep.AddSeconds(10 * wait);
            var job = Assert.Single(await ClaimAsync(at, at.AddMinutes(5)));
            Assert.Equal(1, job.Attempts);
            Assert.True((await Store.Media.ReserveFilesAsync(id, [File(key)], at, None)).Busy);
            await Store.Media.RetryJobAsync(id, at.AddSeconds(5), countAttempt: false, None);
        }

        var later = sweep.AddMinutes(5);
        Assert.Equal(1, Assert.Single(await ClaimAsync(later, later.AddMinutes(5))).Attempts);
        await Store.Media.RetryJobAsync(id, later.AddSeconds(4), countAttempt: true, None);
        Assert.Equal(2, Assert.Single(await ClaimAsync(later.AddSeconds(4), later.AddMinutes(5))).Attempts);
    }

    [Fact]
    public async Task Jobs_are_claimed_in_turns_across_accounts_so_one_backlog_does_not_hold_the_others()
    {
        var (alice, bob, _) = await ThreeAsync();
        var alices = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            alices.Add(await ProcessingAsync(alice, finishedAt: Now.AddSeconds(i))); // older than Bob's
        }

        var bobs = await ProcessingAsync(bob, finishedAt: Now.AddMinutes(1));
        var at = Now.AddMinutes(2);
        var first = await Store.Media.ClaimJobsAsync(at, at.AddMinutes(5), 2, MediaJobRules.MaxAttempts, at.AddDays(1), None);
        Assert.Equal(new[] { alices[0], bobs }.Order(StringComparer.Ordinal), first.Select(j => j.MediaId).Order(StringComparer.Ordinal));
        var rest = await Store.Media.ClaimJobsAsync(at, at.AddMinutes(5), 10, MediaJobRules.MaxAttempts, at.AddDays(1), None);
        Assert.Equal(alices.Skip(1).Order(StringComparer.Ordinal), rest.Select(j => j.MediaId).Order(StringComparer.Ordinal));
    }

    private async Task<(long Alice, long Bob, long Carol)> ThreeAsync() =>
        ((await Store.AccountAsync("alice", Now)).Id, (await Store.AccountAsync("bob", Now)).Id, (await Store.AccountAsync("carol", Now)).Id);

    private async Task<string> ReadyMediaAsync(long owner, string key)
    {
        var upload = await CreateAsync(owner, 10);
        (await AppendAsync(upload.Id, owner, 0, 10, "application/pdf")).Succeeded();
        Assert.Single(await ClaimAsync(Now, Now.AddMinutes(1)));
        Assert.False((await Store.Media.ReserveFilesAsync(upload.Id, [File(key)], Now, None)).Busy);
        Assert.True(await Store.Media.CompleteJobAsync(upload.Id, Processed(key), Now, Now.AddHours(1), None));
        return upload.Id;
    }

    private Task<IReadOnlyList<MediaJob>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil) =>
        Store.Media.ClaimJobsAsync(now, leaseUntil, 10, MediaJobRules.MaxAttempts, now.AddDays(1), None);

    /// <summary>A collection as the sweeper runs it: reservations never completed are collected after an hour.</summary>
    private Task<IReadOnlyList<string>> CollectAsync(DateTimeOffset now, DateTimeOffset unreferencedBefore) =>
        Store.Media.CollectGarbageAsync(now, unreferencedBefore, now.AddHours(-1), 100, None);

    /// <summary>A finished upload waiting for processing (not claimed), due from <paramref name="finishedAt"/>.</summary>
    private async Task<string> ProcessingAsync(long owner, DateTimeOffset? finishedAt = null)
    {
        var upload = await CreateAsync(owner, 10);
        (await Store.Media.AppendChunkAsync(new NewChunk(upload.Id, owner, 0, 10, BlobKeys.ForChunk(upload.Id, 0), "application/pdf", null, finishedAt ?? Now), Limits, None)).Succeeded();
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
