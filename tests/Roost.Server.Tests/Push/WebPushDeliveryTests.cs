using System.Net;
using System.Text.Json;
using Roost.Client;
using Roost.Protocol.Rest;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Server.Tests.Push;

/// <summary>
/// Pushes from a whole instance to a local Web Push service that verifies VAPID and decrypts as a browser would, on
/// the run's engine: one push per coalescing window for an offline device, none while it is online, cancelled when it
/// syncs, a dead subscription removed, a 429 retried after its Retry-After, and a broken push service stopping only
/// its own partition.
/// </summary>
public sealed class WebPushDeliveryTests
{
    [Fact]
    public async Task An_offline_device_gets_one_encrypted_push_per_coalescing_window_with_ids_and_counts_and_no_text()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var receiver = await WebPushReceiver.StartAsync(time);
        await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings(), time);
        using var chat = await instance.StartDirectChatAsync();
        using var admin = PushTestSupport.Admin(instance.BaseAddress);
        var subscription = await chat.Bob.SubscribeAsync(receiver);

        var first = await chat.Alice.SendMessageAsync(chat.Conversation.Id, "the secret plans").DefaultTimeout();
        var push = Assert.Single(await receiver.WaitForAsync(1).DefaultTimeout());

        Assert.Equal(subscription.Id, push.SubscriptionId);
        using (var payload = JsonDocument.Parse(push.Plaintext))
        {
            var root = payload.RootElement;
            Assert.Equal("message", root.GetProperty("type").GetString());
            Assert.Equal(chat.Conversation.Id, root.GetProperty("conversationId").GetInt64());
            Assert.Equal(first.Seq, root.GetProperty("seq").GetInt64());
            Assert.Equal(1, root.GetProperty("unread").GetInt64());
            Assert.False(root.TryGetProperty("preview", out _));
        }

        Assert.DoesNotContain("secret", System.Text.Encoding.UTF8.GetString(push.Plaintext), StringComparison.Ordinal);
        Assert.Equal("high", push.Urgency);
        Assert.Equal($"conv-{chat.Conversation.Id}", push.Headers["topic"]);
        Assert.Equal(((int)TimeSpan.FromDays(7).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), push.Ttl);

        // More messages inside the window are coalesced into one pending push...
        for (var i = 0; i < 3; i++)
        {
            await chat.Alice.SendMessageAsync(chat.Conversation.Id, $"more {i}").DefaultTimeout();
        }

        var queue = await admin.WaitForQueueAsync(q => q.Pending == 1 && q.InFlight == 0);
        Assert.Equal(1, queue.Accepted);
        Assert.Single(receiver.Received);

        // ...that goes out once the window has passed, carrying the newest message and the count.
        time.Advance(TimeSpan.FromMinutes(10));
        await chat.Bob.SubscribeAsync(receiver); // registering wakes the dispatcher; the job goes to the new subscription
        var second = (await receiver.WaitForAsync(2).DefaultTimeout())[1];
        using var later = JsonDocument.Parse(second.Plaintext);
        Assert.Equal(first.Seq + 3, later.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal(3, later.RootElement.GetProperty("messages").GetInt32());
        Assert.Equal(4, later.RootElement.GetProperty("unread").GetInt64());
    }

    [Fact]
    public async Task A_connected_device_gets_no_push_and_a_device_that_syncs_cancels_what_was_queued()
    {
        await using var receiver = await WebPushReceiver.StartAsync();
        await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings());
        using var chat = await instance.StartDirectChatAsync();
        using var admin = PushTestSupport.Admin(instance.BaseAddress);
        await chat.Bob.SubscribeAsync(receiver);

        await using (var live = await chat.Bob.ConnectLiveAsync())
        {
            await chat.Alice.SendMessageAsync(chat.Conversation.Id, "you are here").DefaultTimeout();
            await live.ReadMessagesAsync(1);

            // Connected to this node: the append queued nothing for the device (another node's job would be skipped).
            var queue = await admin.WaitForQueueAsync(q => q.Pending == 0 && q.InFlight == 0);
            Assert.Equal((0, 0, 0), (queue.Accepted, queue.Retried, queue.SkippedOnline));
        }

        // The push service is failing, so the push waits in the queue; the device then connects and syncs.
        receiver.FailAll();
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "while you were away").DefaultTimeout();
        await admin.WaitForQueueAsync(q => q.Retried >= 1);
        await using (await chat.Bob.ConnectLiveAsync())
        {
            await admin.WaitForQueueAsync(q => q.Pending == 0 && q.InFlight == 0);
        }

        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_subscription_the_push_service_says_is_gone_is_removed()
    {
        await using var receiver = await WebPushReceiver.StartAsync();
        await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings());
        using var chat = await instance.StartDirectChatAsync();
        using var admin = PushTestSupport.Admin(instance.BaseAddress);
        var subscription = await chat.Bob.SubscribeAsync(receiver);
        Assert.Equal("webpush", (await chat.Bob.GetPushTargetAsync().DefaultTimeout()).Platform);
        receiver.MarkGone(subscription.Id);

        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "anyone there?").DefaultTimeout();

        var queue = await admin.WaitForQueueAsync(q => q.TargetsRemoved == 1 && q.Targets == 0);
        Assert.Equal(0, queue.Pending);
        await chat.Bob.GetPushTargetAsync().ShouldFailAsync("not_found");
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after()
    {
        await using var receiver = await WebPushReceiver.StartAsync();
        await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings());
        using var chat = await instance.StartDirectChatAsync();
        using var admin = PushTestSupport.Admin(instance.BaseAddress);
        await chat.Bob.SubscribeAsync(receiver);
        receiver.AnswerNext(1, HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1));

        var sentAt = DateTimeOffset.UtcNow;
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "slow down").DefaultTimeout();
        var push = Assert.Single(await receiver.WaitForAsync(1).DefaultTimeout());

        Assert.True(push.ReceivedAt - sentAt >= TimeSpan.FromSeconds(1), $"retried after {push.ReceivedAt - sentAt}");
        Assert.Equal(2, receiver.RequestCount);
        Assert.Equal(1, (await admin.GetAdminPushAsync().DefaultTimeout()).Retried);
    }

    [Fact]
    public async Task A_failing_push_service_opens_its_own_breaker_while_another_services_pushes_keep_flowing()
    {
        await using var receivers = await WebPushReceivers.StartAsync();
        await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings(("Roost:Push:BreakerFailures", "2"), ("Roost:Push:BreakerOpenFor", "00:10:00")));
        var (alice, _, _) = await instance.RegisterAndLoginAsync();
        var (bob, bobName, _) = await instance.RegisterAndLoginAsync();
        var (carol, carolName, _) = await instance.RegisterAndLoginAsync();
        using var admin = PushTestSupport.Admin(instance.BaseAddress);
        await bob.SubscribeAsync(receivers.First);
        await carol.SubscribeAsync(receivers.Second);
        receivers.First.FailAll();
        var toBob = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        var toCarol = await alice.CreateDirectAsync(carolName).DefaultTimeout();

        await alice.SendMessageAsync(toBob.Id, "are you there?").DefaultTimeout();
        var broken = await admin.WaitForQueueAsync(q => q.Breakers.Any(b => b.State == "open"));

        var breaker = Assert.Single(broken.Breakers, b => b.State == "open");
        Assert.Equal($"webpush:{receivers.First.Origin}", breaker.Partition);
        var failedRequests = receivers.First.RequestCount;

        for (var i = 0; i < 3; i++)
        {
            await alice.SendMessageAsync(toCarol.Id, $"hello carol {i}").DefaultTimeout();
        }

        Assert.NotEmpty(await receivers.Second.WaitForAsync(1).DefaultTimeout());
        Assert.Equal(failedRequests, receivers.First.RequestCount);
        Assert.Single(receivers.Second.Received);

        // Bob's push waits behind its breaker (spending no attempts); Carol's later two wait for their coalescing window.
        var queue = await admin.WaitForQueueAsync(q => q.InFlight == 0 && q.Pending == 2);
        Assert.Equal("open", Assert.Single(queue.Breakers).State);
        Assert.Single(receivers.Second.Received);
        alice.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public async Task Registration_refuses_endpoints_into_the_operators_network_and_platforms_without_credentials()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Push:WebPush:Subject"] = "mailto:ops@example.com" });
        var (bob, _, _) = await instance.RegisterAndLoginAsync();
        var keys = new PushSubscriptionKeys("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4", "BTBZMqHH6r4Tts7J_aSIgg");

        await bob.SetPushTargetAsync(new PushTargetRequest("webpush", Endpoint: "https://169.254.169.254/latest", Keys: keys)).ShouldFailAsync("push_endpoint_not_allowed");
        await bob.SetPushTargetAsync(new PushTargetRequest("webpush", Endpoint: "http://push.example.net/x", Keys: keys)).ShouldFailAsync("push_endpoint_not_allowed");
        await bob.SetPushTargetAsync(new PushTargetRequest("apns", Token: "abcd", Topic: "com.example.chat")).ShouldFailAsync("push_platform_not_configured");
        await bob.SetPushTargetAsync(new PushTargetRequest("webpush", Endpoint: "https://push.example.net/x", Keys: keys with { Auth = "short" })).ShouldFailAsync("validation_failed");

        var registered = await bob.SetPushTargetAsync(new PushTargetRequest("webpush", Endpoint: "https://push.example.net/x", Keys: keys)).DefaultTimeout();
        Assert.Equal("https://push.example.net", registered.App);
        Assert.Equal(65, Convert.FromBase64String(PadBase64((await bob.GetVapidKeyAsync().DefaultTimeout()).PublicKey)).Length);

        await bob.DeletePushTargetAsync().DefaultTimeout();
        await bob.GetPushTargetAsync().ShouldFailAsync("not_found");
        bob.Dispose();
    }

    [Fact]
    public async Task Logging_out_removes_the_sessions_push_target()
    {
        await using var receiver = await WebPushReceiver.StartAsync();
        await using var instance = await RoostInstance.StartAsync(PushTestSupport.Settings());
        using var chat = await instance.StartDirectChatAsync();
        using var admin = PushTestSupport.Admin(instance.BaseAddress);
        await chat.Bob.SubscribeAsync(receiver);
        Assert.Equal(1, (await admin.GetAdminPushAsync().DefaultTimeout()).Targets);

        await chat.Bob.LogoutAsync().DefaultTimeout();

        Assert.Equal(0, (await admin.GetAdminPushAsync().DefaultTimeout()).Targets);
        await chat.Alice.SendMessageAsync(chat.Conversation.Id, "bye").DefaultTimeout();
        Assert.Equal(0, (await admin.GetAdminPushAsync().DefaultTimeout()).Pending);
    }

    private static string PadBase64(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }
}
