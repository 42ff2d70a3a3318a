using Roost.Core.Delivery;
using Roost.Core.Push;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Contract;

/// <summary>
/// What every engine's push queue must do: targets one per device and token, jobs queued by the message append in
/// its transaction and coalesced per device and conversation, leases one per device, and each completion.
/// </summary>
public abstract class PushStoreContract<TEngine> : StoreContract<TEngine>
    where TEngine : StoreEngine, new()
{
    private readonly RecordingEventListener _listener = new();

    protected override ICommittedEventListener? Listener => _listener;

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_message_queues_one_job_per_device_of_each_recipient_with_a_target_and_none_for_the_sender()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var bobPhone = await Store.DeviceAsync(bob, Now);
        var bobLaptop = await Store.DeviceAsync(bob, Now);
        var alicePhone = await Store.DeviceAsync(alice, Now);
        await RegisterAsync(bobPhone.Id, bob, "aa01");
        await RegisterAsync(bobLaptop.Id, bob, "aa02");
        await RegisterAsync(alicePhone.Id, alice, "aa03");

        var seq = await Store.SendAsync(conversation, alice, Now, "hi bob");

        var jobs = await ClaimAsync();
        Assert.Equal([bobPhone.Id, bobLaptop.Id], jobs.Select(j => j.Target.DeviceId).Order());
        Assert.All(jobs, job =>
        {
            Assert.Equal(conversation, job.ConversationId);
            Assert.Equal(seq, job.Seq);
            Assert.Equal(1, job.Messages);
            Assert.Equal(1, job.Unread);
            Assert.Null(job.Preview);
        });
        Assert.Equal(_listener.Events.Last(e => e.QueuedPushes).Cursor, jobs[0].Cursor);
    }

    [Fact]
    public async Task Later_messages_raise_the_pending_job_instead_of_adding_one()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "ab01");

        await Store.SendAsync(conversation, alice, Now, "one");
        await Store.SendAsync(conversation, alice, Now, "two");
        var last = await Store.SendAsync(conversation, alice, Now, "three");

        var job = Assert.Single(await ClaimAsync());
        Assert.Equal(last, job.Seq);
        Assert.Equal(3, job.Messages);
        Assert.Equal(3, job.Unread);
        Assert.Empty(await ClaimAsync());
    }

    [Fact]
    public async Task A_device_with_a_push_in_flight_gets_no_second_one_until_it_is_answered()
    {
        var (alice, bob, first) = await DirectAsync();
        var carol = (await Store.AccountIdsAsync(Now, "carol"))[0];
        var second = await Store.GroupAsync(alice, [bob, carol], Now);
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "ac01");
        await Store.SendAsync(first, alice, Now);
        await Store.SendAsync(second, alice, Now);

        var leased = Assert.Single(await ClaimAsync());
        Assert.Empty(await ClaimAsync());

        await Store.Push.CompleteAsync(leased, new PushCompletion(PushCompletionKind.Sent, Now.AddSeconds(30)), Now, None).DefaultTimeout();
        var next = Assert.Single(await ClaimAsync());
        Assert.NotEqual(leased.ConversationId, next.ConversationId);
    }

    [Fact]
    public async Task A_sent_job_goes_and_messages_that_came_meanwhile_wait_for_the_coalescing_window()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "ad01");
        await Store.SendAsync(conversation, alice, Now, "one");
        var sent = Assert.Single(await ClaimAsync());

        await Store.SendAsync(conversation, alice, Now, "two");
        var window = Now.AddSeconds(30);
        await Store.Push.CompleteAsync(sent, new PushCompletion(PushCompletionKind.Sent, window), Now, None).DefaultTimeout();

        Assert.Empty(await ClaimAsync());
        Assert.Equal(window, await Store.Push.NextDueAsync(None).DefaultTimeout());
        var later = Assert.Single(await ClaimAsync(window));
        Assert.Equal(1, later.Messages);
        Assert.Equal(sent.Seq + 1, later.Seq);

        await Store.Push.CompleteAsync(later, new PushCompletion(PushCompletionKind.Sent, window.AddSeconds(30)), window, None).DefaultTimeout();
        Assert.Null(await Store.Push.NextDueAsync(None).DefaultTimeout());

        // A message after a push waits for the end of that push's window too; after the window one goes at once.
        await Store.SendAsync(conversation, alice, window.AddSeconds(1), "three");
        Assert.Empty(await ClaimAsync(window.AddSeconds(1)));
        var third = Assert.Single(await ClaimAsync(window.AddSeconds(30)));
        await Store.Push.CompleteAsync(third, new PushCompletion(PushCompletionKind.Sent, window.AddSeconds(60)), window.AddSeconds(30), None).DefaultTimeout();
        Assert.Empty(await ClaimAsync(window.AddSeconds(60)));
        await Store.SendAsync(conversation, alice, window.AddSeconds(61), "four");
        Assert.Single(await ClaimAsync(window.AddSeconds(61)));
    }

    [Fact]
    public async Task A_retry_waits_and_counts_an_attempt_a_breaker_hold_does_not_and_a_dead_letter_stays_until_a_new_message()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "ae01");
        await Store.SendAsync(conversation, alice, Now);

        var first = Assert.Single(await ClaimAsync());
        await Store.Push.CompleteAsync(first, new PushCompletion(PushCompletionKind.Retry, Now.AddSeconds(10), "503"), Now, None).DefaultTimeout();
        Assert.Empty(await ClaimAsync(Now.AddSeconds(9)));
        var second = Assert.Single(await ClaimAsync(Now.AddSeconds(10)));
        Assert.Equal(1, second.Attempts);

        await Store.Push.CompleteAsync(second, new PushCompletion(PushCompletionKind.Retry, Now.AddSeconds(20), "breaker open", CountsAsAttempt: false), Now, None).DefaultTimeout();
        var third = Assert.Single(await ClaimAsync(Now.AddSeconds(20)));
        Assert.Equal(1, third.Attempts);

        await Store.Push.CompleteAsync(third, new PushCompletion(PushCompletionKind.Dead, Now.AddSeconds(20), "gave up"), Now.AddSeconds(20), None).DefaultTimeout();
        Assert.Empty(await ClaimAsync(Now.AddDays(1)));
        var stats = await Store.Push.GetStatsAsync(10, None).DefaultTimeout();
        Assert.Equal((0, 0, 1, 1), (stats.Pending, stats.InFlight, stats.Dead, stats.Targets));
        var letter = Assert.Single(stats.RecentDead);
        Assert.Equal((phone.Id, conversation, "gave up", 2), (letter.DeviceId, letter.ConversationId, letter.Error, letter.Attempts));

        // A new message revives it from scratch.
        await Store.SendAsync(conversation, alice, Now.AddSeconds(30));
        var revived = Assert.Single(await ClaimAsync(Now.AddSeconds(30)));
        Assert.Equal((0, 1), (revived.Attempts, revived.Messages));
    }

    [Fact]
    public async Task A_lease_that_runs_out_is_claimed_again()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "af01");
        await Store.SendAsync(conversation, alice, Now);
        Assert.Single(await ClaimAsync());

        Assert.Empty(await ClaimAsync(Now + Lease - TimeSpan.FromSeconds(1)));
        Assert.Single(await ClaimAsync(Now + Lease));
    }

    [Fact]
    public async Task A_gone_target_is_removed_with_its_jobs_unless_the_device_registered_after_the_provider_knew_it_invalid()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "ba01", at: Now);
        await Store.SendAsync(conversation, alice, Now);

        // Invalid since before the registration: the device registered this token again since; it stays, and the
        // job is tried again after its backoff with an attempt spent (a token refused for ever ends as a dead letter).
        var job = Assert.Single(await ClaimAsync());
        await Store.Push.CompleteAsync(job, new PushCompletion(PushCompletionKind.TargetGone, Now.AddSeconds(10), "Unregistered", InvalidatedAt: Now.AddMinutes(-5)), Now, None).DefaultTimeout();
        Assert.NotNull(await Store.Push.GetAsync(phone.Id, None).DefaultTimeout());
        Assert.Empty(await ClaimAsync());
        job = Assert.Single(await ClaimAsync(Now.AddSeconds(10)));
        Assert.Equal(1, job.Attempts);

        await Store.Push.CompleteAsync(job, new PushCompletion(PushCompletionKind.TargetGone, Now, "Unregistered", InvalidatedAt: Now.AddMinutes(5)), Now.AddSeconds(10), None).DefaultTimeout();
        Assert.Null(await Store.Push.GetAsync(phone.Id, None).DefaultTimeout());
        Assert.Null(await Store.Push.NextDueAsync(None).DefaultTimeout());
    }

    [Fact]
    public async Task A_token_registered_on_another_device_is_taken_from_the_first_and_registering_again_replaces()
    {
        var (alice, bob, _) = await DirectAsync();
        var alicePhone = await Store.DeviceAsync(alice, Now);
        var bobPhone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(alicePhone.Id, alice, "ca01");

        await RegisterAsync(bobPhone.Id, bob, "ca01");
        Assert.Null(await Store.Push.GetAsync(alicePhone.Id, None).DefaultTimeout());

        await RegisterAsync(bobPhone.Id, bob, "ca02", sandbox: true);
        var replaced = await Store.Push.GetAsync(bobPhone.Id, None).DefaultTimeout();
        Assert.Equal(("ca02", true), (replaced!.Token, replaced.Sandbox));

        // Not someone else's device.
        Assert.False(await Store.Push.RegisterAsync(Target(bobPhone.Id, alice, "ca03"), None).DefaultTimeout());
    }

    [Fact]
    public async Task Web_push_keys_round_trip_and_a_revoked_device_takes_its_target_and_jobs_with_it()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var phone = await Store.DeviceAsync(bob, Now);
        var p256dh = Enumerable.Range(0, 65).Select(i => (byte)i).ToArray();
        var auth = Enumerable.Range(0, 16).Select(i => (byte)(i + 100)).ToArray();
        var target = new PushTarget(phone.Id, bob, PushPlatform.WebPush, "https://push.example.net/s/1", "https://push.example.net", false, false, p256dh, auth, Now);
        Assert.True(await Store.Push.RegisterAsync(target, None).DefaultTimeout());
        var read = await Store.Push.GetAsync(phone.Id, None).DefaultTimeout();
        Assert.Equal(p256dh, read!.P256dh);
        Assert.Equal(auth, read.Auth);
        await Store.SendAsync(conversation, alice, Now);

        Assert.True(await Store.Devices.DeleteAsync(bob, phone.Id, None).DefaultTimeout());

        Assert.Null(await Store.Push.GetAsync(phone.Id, None).DefaultTimeout());
        Assert.Empty(await ClaimAsync());
    }

    [Fact]
    public async Task A_synced_device_cancels_its_jobs_and_previews_come_only_with_the_opt_in()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "da01");
        await Store.SendAsync(conversation, alice, Now, "secret plans");
        var synced = _listener.Events[^1].Cursor;
        await Store.Push.CancelForDeviceAsync(phone.Id, synced, None).DefaultTimeout();
        Assert.Empty(await ClaimAsync());

        Assert.False(await Store.Push.GetPreviewsAsync(bob, None).DefaultTimeout());
        await Store.Push.SetPreviewsAsync(bob, true, None).DefaultTimeout();
        Assert.True(await Store.Push.GetPreviewsAsync(bob, None).DefaultTimeout());
        await Store.SendAsync(conversation, alice, Now, "lunch?");
        var job = Assert.Single(await ClaimAsync());
        Assert.Equal(new PushPreview("alice", "lunch?"), job.Preview);
    }

    [Fact]
    public async Task A_completion_under_a_lease_that_ran_out_and_was_claimed_again_changes_nothing()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "ea01");
        await Store.SendAsync(conversation, alice, Now);
        var stale = Assert.Single(await ClaimAsync());
        var current = Assert.Single(await ClaimAsync(Now + Lease));

        await Store.Push.CompleteAsync(stale, new PushCompletion(PushCompletionKind.Retry, Now, "late answer"), Now + Lease, None).DefaultTimeout();
        Assert.Empty(await ClaimAsync(Now + Lease));

        await Store.Push.CompleteAsync(current, new PushCompletion(PushCompletionKind.Sent, Now + Lease + TimeSpan.FromSeconds(30)), Now + Lease, None).DefaultTimeout();
        var stats = await Store.Push.GetStatsAsync(10, None).DefaultTimeout();
        Assert.Equal((0, 0), (stats.Pending, stats.InFlight));
    }

    [Fact]
    public async Task A_job_given_up_while_newer_messages_came_stays_pending_for_them()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "eb01");
        await Store.SendAsync(conversation, alice, Now, "one");
        var job = Assert.Single(await ClaimAsync());
        await Store.SendAsync(conversation, alice, Now, "two");

        await Store.Push.CompleteAsync(job, new PushCompletion(PushCompletionKind.Dead, Now, "gave up"), Now, None).DefaultTimeout();

        var again = Assert.Single(await ClaimAsync());
        Assert.Equal((0, job.Seq + 1), (again.Attempts, again.Seq));
    }

    [Fact]
    public async Task A_sync_cancels_only_what_it_brought_and_keeps_dead_letters_and_claims_take_only_the_platforms_asked()
    {
        var (alice, bob, conversation) = await DirectAsync();
        var carol = (await Store.AccountIdsAsync(Now, "carol"))[0];
        var group = await Store.GroupAsync(alice, [bob, carol], Now);
        var phone = await Store.DeviceAsync(bob, Now);
        await RegisterAsync(phone.Id, bob, "ec01");
        await Store.SendAsync(conversation, alice, Now, "old");
        var synced = _listener.Events[^1].Cursor;
        await Store.SendAsync(group, alice, Now, "after the sync");

        await Store.Push.CancelForDeviceAsync(phone.Id, synced, None).DefaultTimeout();

        Assert.Empty(await ClaimAsync(Now, PushPlatform.WebPush, PushPlatform.Fcm));
        var left = Assert.Single(await ClaimAsync(Now, PushPlatform.Apns));
        Assert.Equal(group, left.ConversationId);
        await Store.Push.CompleteAsync(left, new PushCompletion(PushCompletionKind.Dead, Now, "gave up"), Now, None).DefaultTimeout();
        await Store.Push.CancelForDeviceAsync(phone.Id, long.MaxValue, None).DefaultTimeout();
        Assert.Equal(1, (await Store.Push.GetStatsAsync(10, None).DefaultTimeout()).Dead);
    }

    private async Task<(long Alice, long Bob, long Conversation)> DirectAsync()
    {
        var ids = await Store.AccountIdsAsync(Now, "alice", "bob");
        return (ids[0], ids[1], await Store.DirectAsync(ids[0], ids[1], Now));
    }

    private async Task RegisterAsync(long deviceId, long accountId, string token, bool sandbox = false, DateTimeOffset? at = null) =>
        Assert.True(await Store.Push.RegisterAsync(Target(deviceId, accountId, token, sandbox, at), None).DefaultTimeout());

    private static PushTarget Target(long deviceId, long accountId, string token, bool sandbox = false, DateTimeOffset? at = null) =>
        new(deviceId, accountId, PushPlatform.Apns, token, "com.example.chat", sandbox, false, null, null, at ?? Now);

    private async Task<IReadOnlyList<PushJob>> ClaimAsync(DateTimeOffset? at = null, params PushPlatform[] platforms) =>
        await Store.Push.ClaimAsync(at ?? Now, (at ?? Now) + Lease, 100, platforms.Length > 0 ? platforms : Enum.GetValues<PushPlatform>(), None).DefaultTimeout();
}
