using System.Net;
using Roost.Protocol.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Server.Tests.Messaging;
using Roost.Testing;

namespace Roost.Server.Tests.Abuse;

/// <summary>
/// Token-bucket limits per account and per conversation: a limited operation is answered rate_limited with a retry
/// hint and stores nothing; what was acknowledged before stays. The clock is manual, so refills happen only when a
/// test moves it and the counts are exact on a busy machine.
/// </summary>
public sealed class SendLimitTests
{
    private static Dictionary<string, string> Limits(params (string Key, string Value)[] settings)
    {
        var result = new Dictionary<string, string>
        {
            // Generous defaults for the buckets a test does not study.
            ["Roost:Messaging:RateLimits:MessagesPerAccount:Burst"] = "1000",
            ["Roost:Messaging:RateLimits:BytesPerAccount:Burst"] = "100000000",
            ["Roost:Messaging:RateLimits:MessagesPerConversation:Burst"] = "1000",
            ["Roost:Messaging:RateLimits:ReceiptsPerAccount:Burst"] = "1000",
            ["Roost:Messaging:RateLimits:TypingPerAccount:Burst"] = "1000",
            ["Roost:Messaging:RateLimits:PresenceSubscribesPerAccount:Burst"] = "1000",
        };
        foreach (var (key, value) in settings)
        {
            result["Roost:Messaging:RateLimits:" + key] = value;
        }

        return result;
    }

    [Fact]
    public async Task Sends_past_the_account_burst_are_refused_with_a_retry_hint_and_not_stored()
    {
        var clock = new ManualTimeProvider();
        await using var instance = await RoostInstance.StartAsync(Limits(("MessagesPerAccount:Rate", "1"), ("MessagesPerAccount:Burst", "5")), clock);
        using var chat = await instance.StartDirectChatAsync();
        await using var live = await chat.Alice.ConnectLiveAsync();

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(i, (await live.SendMessageAsync(chat.Conversation.Id, $"m{i}", clientId: $"c{i}").DefaultTimeout()).Seq);
        }

        var refused = await live.SendMessageAsync(chat.Conversation.Id, "one too many", clientId: "c6").ShouldFailRealtimeAsync("rate_limited");
        Assert.NotNull(refused.RetryAfter);
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));

        var rest = await Assert.ThrowsAsync<Client.RoostApiException>(() => chat.Alice.SendMessageAsync(chat.Conversation.Id, "over REST", clientId: "c7")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.TooManyRequests, rest.Status);
        Assert.Equal("rate_limited", rest.Code);
        Assert.NotNull(rest.RetryAfter);

        // Nothing refused was stored; everything acknowledged is there.
        var history = await chat.Bob.GetMessagesAsync(chat.Conversation.Id).DefaultTimeout();
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], history.Messages.Select(m => m.Body));

        // A second later one token is back: the same client id now goes through, once.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(6, (await live.SendMessageAsync(chat.Conversation.Id, "one too many", clientId: "c6").DefaultTimeout()).Seq);
        await live.SendMessageAsync(chat.Conversation.Id, "again", clientId: "c8").ShouldFailRealtimeAsync("rate_limited");
    }

    [Fact]
    public async Task Bytes_per_account_are_limited_separately_from_message_counts()
    {
        var clock = new ManualTimeProvider();
        await using var instance = await RoostInstance.StartAsync(Limits(("BytesPerAccount:Rate", "70000"), ("BytesPerAccount:Period", "00:01:00"), ("BytesPerAccount:Burst", "70000")), clock);
        using var chat = await instance.StartDirectChatAsync();
        await using var live = await chat.Alice.ConnectLiveAsync();
        var big = new string('x', 40_000);

        await live.SendMessageAsync(chat.Conversation.Id, big).DefaultTimeout();
        await live.SendMessageAsync(chat.Conversation.Id, big).ShouldFailRealtimeAsync("rate_limited");

        // Small messages still fit in what is left.
        await live.SendMessageAsync(chat.Conversation.Id, "short").DefaultTimeout();
        clock.Advance(TimeSpan.FromMinutes(1));
        await live.SendMessageAsync(chat.Conversation.Id, big).DefaultTimeout();
    }

    [Fact]
    public async Task A_busy_conversation_is_limited_across_all_its_senders()
    {
        var clock = new ManualTimeProvider();
        await using var instance = await RoostInstance.StartAsync(Limits(("MessagesPerConversation:Rate", "1"), ("MessagesPerConversation:Burst", "3")), clock);
        using var chat = await instance.StartDirectChatAsync();
        await using var alice = await chat.Alice.ConnectLiveAsync();
        await using var bob = await chat.Bob.ConnectLiveAsync();

        await alice.SendMessageAsync(chat.Conversation.Id, "a1").DefaultTimeout();
        await bob.SendMessageAsync(chat.Conversation.Id, "b1").DefaultTimeout();
        await alice.SendMessageAsync(chat.Conversation.Id, "a2").DefaultTimeout();
        await bob.SendMessageAsync(chat.Conversation.Id, "b2").ShouldFailRealtimeAsync("rate_limited");

        // Alice's own budget is untouched: another conversation of hers is not limited.
        var (_, carolName, _) = await instance.RegisterAndLoginAsync();
        var other = await chat.Alice.CreateDirectAsync(carolName).DefaultTimeout();
        await alice.SendMessageAsync(other.Id, "to carol").DefaultTimeout();
    }

    [Fact]
    public async Task Refused_and_duplicate_sends_give_their_tokens_back_so_outsiders_cannot_silence_a_conversation()
    {
        var clock = new ManualTimeProvider();
        await using var instance = await RoostInstance.StartAsync(
            Limits(("MessagesPerAccount:Rate", "1"), ("MessagesPerAccount:Burst", "3"), ("MessagesPerConversation:Rate", "1"), ("MessagesPerConversation:Burst", "3")), clock);
        using var chat = await instance.StartDirectChatAsync();
        var (eve, _, _) = await instance.RegisterAndLoginAsync();
        using var _e = eve;
        await using var eveLive = await eve.ConnectLiveAsync();
        await using var alice = await chat.Alice.ConnectLiveAsync();

        // An outsider hammering the conversation is refused as a non-member every time, and spends nothing.
        for (var i = 0; i < 10; i++)
        {
            await eveLive.SendMessageAsync(chat.Conversation.Id, "let me in").ShouldFailRealtimeAsync("not_a_member");
        }

        // Retries of an acknowledged send are duplicates and spend nothing either.
        await alice.SendMessageAsync(chat.Conversation.Id, "a1", clientId: "a1").DefaultTimeout();
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await alice.SendMessageAsync(chat.Conversation.Id, "a1", clientId: "a1").DefaultTimeout()).Duplicate);
        }

        await alice.SendMessageAsync(chat.Conversation.Id, "a2", clientId: "a2").DefaultTimeout();
        await alice.SendMessageAsync(chat.Conversation.Id, "a3", clientId: "a3").DefaultTimeout();
        await alice.SendMessageAsync(chat.Conversation.Id, "a4", clientId: "a4").ShouldFailRealtimeAsync("rate_limited");
    }

    [Fact]
    public async Task Receipts_and_typing_have_their_own_budgets()
    {
        var clock = new ManualTimeProvider();
        await using var instance = await RoostInstance.StartAsync(
            Limits(("ReceiptsPerAccount:Rate", "1"), ("ReceiptsPerAccount:Burst", "2"), ("TypingPerAccount:Rate", "1"), ("TypingPerAccount:Burst", "1")), clock);
        using var chat = await instance.StartDirectChatAsync();
        await using var alice = await chat.Alice.ConnectLiveAsync();
        var seq = (await alice.SendMessageAsync(chat.Conversation.Id, "hello").DefaultTimeout()).Seq!.Value;

        await Client.Realtime.FrameRequests.MarkDeliveredAsync(alice, chat.Conversation.Id, seq).DefaultTimeout();
        await Client.Realtime.FrameRequests.MarkReadAsync(alice, chat.Conversation.Id, seq).DefaultTimeout();
        await Client.Realtime.FrameRequests.MarkReadAsync(alice, chat.Conversation.Id, seq).ShouldFailRealtimeAsync("rate_limited");

        await Client.Realtime.FrameRequests.TypingAsync(alice, chat.Conversation.Id).DefaultTimeout();
        var (_, carolName, _) = await instance.RegisterAndLoginAsync();
        var other = await chat.Alice.CreateDirectAsync(carolName).DefaultTimeout();
        await Client.Realtime.FrameRequests.TypingAsync(alice, other.Id).ShouldFailRealtimeAsync("rate_limited");

        // Receipts and typing spent; sending is a separate budget.
        await alice.SendMessageAsync(chat.Conversation.Id, "still sending").DefaultTimeout();
    }

    [Fact]
    public async Task Presence_subscribes_have_their_own_budget_and_a_refused_one_keeps_the_previous_subscription()
    {
        var clock = new ManualTimeProvider();
        await using var instance = await RoostInstance.StartAsync(
            Limits(("PresenceSubscribesPerAccount:Rate", "1"), ("PresenceSubscribesPerAccount:Burst", "1")), clock);
        using var chat = await instance.StartDirectChatAsync();
        await using var alice = await chat.Alice.ConnectLiveAsync();

        await alice.SubscribePresenceAsync([chat.BobLogin.AccountId]).DefaultTimeout();
        var refused = await Assert.ThrowsAsync<Client.Realtime.RoostRealtimeException>(() => alice.SubscribePresenceAsync([])).DefaultTimeout();
        Assert.Equal("rate_limited", refused.Code);

        // Still subscribed to Bob: his coming online is pushed.
        await using var bob = await chat.Bob.ConnectLiveAsync();
        var change = await alice.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence);
        Assert.Equal((chat.BobLogin.AccountId, "online"), (change.AccountId!.Value, change.Status));

        // A second later the budget is back.
        clock.Advance(TimeSpan.FromSeconds(1));
        await alice.SubscribePresenceAsync([]).DefaultTimeout();
    }
}
