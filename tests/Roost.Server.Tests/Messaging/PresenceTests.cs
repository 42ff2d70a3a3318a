using Microsoft.Extensions.DependencyInjection;
using Roost.Client.Realtime;
using Roost.Core.Presence;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

/// <summary>Presence as a subscription: a connection follows the accounts whose chat it shows, and only it is told of their changes.</summary>
public sealed class PresenceTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_subscribe_answers_the_current_presence_of_each_account_in_the_order_asked()
    {
        var (alice, _, aliceLogin) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await Instance.RegisterAndLoginAsync();
        var (_, carolName, carolLogin) = await Instance.RegisterAndLoginAsync();
        var (dave, daveName, daveLogin) = await Instance.RegisterAndLoginAsync();
        var (_, _, strangerLogin) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        using var _d = dave;
        await alice.CreateDirectAsync(bobName).DefaultTimeout();
        await alice.CreateGroupAsync("friends", [carolName, daveName]).DefaultTimeout();
        await dave.SetPresenceHiddenAsync(true).DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();
        await using var daveLive = await dave.ConnectLiveAsync();
        await using var aliceLive = await alice.ConnectLiveAsync();
        long[] asked = [bobLogin.AccountId, carolLogin.AccountId, daveLogin.AccountId, strangerLogin.AccountId, aliceLogin.AccountId, bobLogin.AccountId];

        var presence = await aliceLive.SubscribePresenceAsync(asked).DefaultTimeout();

        Assert.Equal(
            [
                new PresenceResponse(bobLogin.AccountId, "online", null),
                new PresenceResponse(carolLogin.AccountId, "offline", null),
                new PresenceResponse(daveLogin.AccountId, "hidden", null),
                new PresenceResponse(strangerLogin.AccountId, "hidden", null),
                new PresenceResponse(aliceLogin.AccountId, "hidden", null),
            ],
            presence);
    }

    [Fact]
    public async Task Changes_are_pushed_only_to_the_connections_that_subscribe()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await Instance.RegisterAndLoginAsync();
        var (carol, _, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        using var _c = carol;
        await alice.CreateDirectAsync(bobName).DefaultTimeout();
        await carol.CreateDirectAsync(bobName).DefaultTimeout();
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var carolLive = await carol.ConnectLiveAsync();
        await aliceLive.SubscribePresenceAsync([bobLogin.AccountId]).DefaultTimeout();

        var bobLive = await bob.ConnectLiveAsync();
        var online = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence);
        await bobLive.DisposeAsync();
        var offline = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence);

        Assert.Equal((bobLogin.AccountId, "online", (DateTimeOffset?)null), (online.AccountId!.Value, online.Status, online.LastSeenAt));
        Assert.Equal((bobLogin.AccountId, "offline"), (offline.AccountId!.Value, offline.Status));
        Assert.NotNull(offline.LastSeenAt);

        // Carol shares a chat with Bob but follows nobody: both changes were queued (to Alice) before this barrier.
        Assert.DoesNotContain(await carolLive.DrainAsync(), f => f.Type == ServerFrameTypes.Presence);
    }

    [Fact]
    public async Task An_account_that_shares_no_conversation_is_answered_hidden_and_never_watched()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (stranger, _, strangerLogin) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _s = stranger;
        await using var aliceLive = await alice.ConnectLiveAsync();

        var presence = await aliceLive.SubscribePresenceAsync([strangerLogin.AccountId]).DefaultTimeout();
        await using var strangerLive = await stranger.ConnectLiveAsync();

        Assert.Equal([new PresenceResponse(strangerLogin.AccountId, "hidden", null)], presence);
        Assert.Equal(0, Watchers.WatcherCount(strangerLogin.AccountId));

        // A change would have been queued before the stranger's connection said hello.
        Assert.DoesNotContain(await aliceLive.DrainAsync(), f => f.Type == ServerFrameTypes.Presence);
    }

    [Fact]
    public async Task More_than_100_accounts_are_refused_and_the_subscription_in_force_stays()
    {
        using var chat = await Instance.StartDirectChatAsync();
        await using var aliceLive = await chat.Alice.ConnectLiveAsync();
        await aliceLive.SubscribePresenceAsync([chat.BobLogin.AccountId]).DefaultTimeout();

        var refused = await aliceLive.RequestAsync(ClientFrames.SubscribePresence([.. Enumerable.Range(1, 101).Select(i => (long)i)])).ShouldFailRealtimeAsync("validation_failed");
        await using var bobLive = await chat.Bob.ConnectLiveAsync();
        var online = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence);

        Assert.Contains("at most 100", refused.Message, StringComparison.Ordinal);
        Assert.Equal((chat.BobLogin.AccountId, "online"), (online.AccountId!.Value, online.Status));
    }

    [Fact]
    public async Task A_subscribe_replaces_the_previous_one_and_an_empty_one_ends_it()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await Instance.RegisterAndLoginAsync();
        var (carol, carolName, carolLogin) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        using var _c = carol;
        await alice.CreateGroupAsync("three", [bobName, carolName]).DefaultTimeout();
        await using var aliceLive = await alice.ConnectLiveAsync();
        await using var witness = await alice.ConnectLiveAsync();
        await witness.SubscribePresenceAsync([carolLogin.AccountId]).DefaultTimeout();

        await aliceLive.SubscribePresenceAsync([bobLogin.AccountId]).DefaultTimeout();
        var replaced = await aliceLive.SubscribePresenceAsync([carolLogin.AccountId]).DefaultTimeout();
        await using var bobLive = await bob.ConnectLiveAsync();
        var carolLive = await carol.ConnectLiveAsync();
        var carolOnline = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence);
        var ended = await aliceLive.SubscribePresenceAsync([]).DefaultTimeout();
        await carolLive.DisposeAsync();
        await witness.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.Status == "offline");

        Assert.Equal([new PresenceResponse(carolLogin.AccountId, "offline", null)], replaced);
        Assert.Equal((carolLogin.AccountId, "online"), (carolOnline.AccountId!.Value, carolOnline.Status));
        Assert.Empty(ended);

        // Bob's coming online (before Carol's) and Carol's going offline (before the witness heard it) reached Alice not.
        Assert.DoesNotContain(await aliceLive.DrainAsync(), f => f.Type == ServerFrameTypes.Presence);
    }

    [Fact]
    public async Task A_subscription_ends_with_its_connection()
    {
        using var chat = await Instance.StartDirectChatAsync();
        await using var bobLive = await chat.Bob.ConnectLiveAsync();
        await bobLive.SubscribePresenceAsync([chat.AliceLogin.AccountId]).DefaultTimeout();
        var aliceLive = await chat.Alice.ConnectLiveAsync();
        await aliceLive.SubscribePresenceAsync([chat.BobLogin.AccountId]).DefaultTimeout();
        var watchedWhileConnected = Watchers.WatcherCount(chat.BobLogin.AccountId);

        await aliceLive.DisposeAsync();
        await bobLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.Status == "offline");

        // The connection drops its subscription before the router announces the account offline.
        Assert.Equal(1, watchedWhileConnected);
        Assert.Equal(0, Watchers.WatcherCount(chat.BobLogin.AccountId));
    }

    [Fact]
    public async Task A_hidden_user_is_shown_hidden_and_pushes_nothing_until_shown_again()
    {
        using var chat = await Instance.StartDirectChatAsync();
        await using var aliceLive = await chat.Alice.ConnectLiveAsync();
        await aliceLive.SubscribePresenceAsync([chat.BobLogin.AccountId]).DefaultTimeout();

        await chat.Bob.SetPresenceHiddenAsync(true).DefaultTimeout();
        var hidden = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence);
        var bobLive = await chat.Bob.ConnectLiveAsync();
        var whileHidden = await aliceLive.DrainAsync();
        await chat.Bob.SetPresenceHiddenAsync(false).DefaultTimeout();
        var shown = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence);
        await bobLive.DisposeAsync();

        Assert.Equal(("hidden", (DateTimeOffset?)null), (hidden.Status, hidden.LastSeenAt));
        Assert.DoesNotContain(whileHidden, f => f.Type == ServerFrameTypes.Presence);
        Assert.Equal(("online", (DateTimeOffset?)null), (shown.Status, shown.LastSeenAt));
    }

    [Fact]
    public async Task The_live_client_subscribes_again_after_a_reconnect_and_reports_the_state_as_presence_frames()
    {
        using var chat = await Instance.StartDirectChatAsync();
        await using var live = new RoostLiveClient(Instance.BaseAddress, chat.Alice.AccessToken!);
        await live.StartAsync().DefaultTimeout();
        using var timeout = new CancellationTokenSource(TimeoutExtensions.Limit);

        var answer = await live.SubscribePresenceAsync([chat.BobLogin.AccountId]).DefaultTimeout();
        var first = await NextPresenceAsync(live, timeout.Token);
        live.DropConnection();
        var again = await NextPresenceAsync(live, timeout.Token);
        await using var bobLive = await chat.Bob.ConnectLiveAsync();
        var online = await NextPresenceAsync(live, timeout.Token);

        Assert.Equal([new PresenceResponse(chat.BobLogin.AccountId, "offline", null)], answer);
        Assert.Equal(("offline", "offline", "online"), (first.Status, again.Status, online.Status));
        Assert.Equal(1, live.Reconnects);
    }

    [Fact]
    public async Task The_last_seen_time_of_users_online_when_the_server_stops_survives_the_restart()
    {
        await using var instance = await RoostInstance.StartAsync();
        var (alice, aliceName, _) = await instance.RegisterAndLoginAsync();
        var (bob, bobName, bobLogin) = await instance.RegisterAndLoginAsync();
        using var _a = alice;
        using var _b = bob;
        await alice.CreateDirectAsync(bobName).DefaultTimeout();
        var bobLive = await bob.ConnectLiveAsync();

        await instance.RestartAsync();
        await bobLive.Completion.DefaultTimeout();
        await bobLive.DisposeAsync();
        var (again, _) = await instance.LoginAsync(aliceName);
        using var _again = again;
        await using var aliceLive = await again.ConnectLiveAsync();
        var presence = await aliceLive.SubscribePresenceAsync([bobLogin.AccountId]).DefaultTimeout();

        Assert.Equal(("offline", true), (presence.Single().Status, presence.Single().LastSeenAt is not null));
    }

    private PresenceWatchers Watchers => (PresenceWatchers)Instance.Services.GetRequiredService<IPresenceWatchers>();

    private static async Task<ServerFrame> NextPresenceAsync(RoostLiveClient live, CancellationToken cancellationToken)
    {
        while (await live.Frames.WaitToReadAsync(cancellationToken))
        {
            if (live.Frames.TryRead(out var frame) && frame.Type == ServerFrameTypes.Presence)
            {
                return frame;
            }
        }

        throw new InvalidOperationException("The live client stopped before a presence frame came.");
    }
}
