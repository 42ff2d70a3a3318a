using System.Net.WebSockets;
using System.Text;
using Roost.Client.Realtime;
using Roost.Protocol.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Messaging;

/// <summary>Bad frames get error frames and the connection lives; bad tokens and revoked sessions close with documented codes.</summary>
public sealed class GatewayRobustnessTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Theory]
    [InlineData("{not json", "malformed_frame")]
    [InlineData("[1,2]", "malformed_frame")]
    [InlineData("{\"type\":\"send\",\"conversationId\":\"x\"}", "malformed_frame")]
    [InlineData("{\"type\":\"send\",\"conversationId\":\"1\",\"clientId\":\"c\",\"body\":\"b\"}", "malformed_frame")]
    [InlineData("{\"type\":\"sync\",\"cursor\":\"0\"}", "malformed_frame")]
    [InlineData("{\"type\":\"send\",\"surprise\":1}", "malformed_frame")]
    [InlineData("{\"type\":\"teleport\"}", "unknown_type")]
    [InlineData("{\"ref\":\"r\"}", "missing_field")]
    [InlineData("{\"type\":\"send\",\"clientId\":\"x\",\"body\":\"no conversation\"}", "missing_field")]
    [InlineData("{\"type\":\"send\",\"conversationId\":1,\"clientId\":\"has space\",\"body\":\"b\"}", "validation_failed")]
    [InlineData("{\"type\":\"presence.subscribe\",\"ref\":\"p\"}", "missing_field")]
    [InlineData("{\"type\":\"presence.subscribe\",\"accountIds\":[\"1\"]}", "malformed_frame")]
    [InlineData("{\"type\":\"presence.subscribe\",\"accountIds\":1}", "malformed_frame")]
    public async Task A_bad_frame_gets_an_error_frame_and_the_connection_stays_open(string frame, string code)
    {
        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        await using var live = await client.ConnectLiveAsync();

        await live.SendRawAsync(Encoding.UTF8.GetBytes(frame)).DefaultTimeout();
        var error = await live.ReadUntilAsync(f => f.Type == ServerFrameTypes.Error);

        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrEmpty(error.Message));
        Assert.Equal(ServerFrameTypes.Pong, (await live.PingAsync().DefaultTimeout()).Type);
    }

    [Fact]
    public async Task Binary_frames_are_refused_with_an_error_frame()
    {
        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        using var socket = await ConnectRawAsync(client.AccessToken!);

        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None).DefaultTimeout();

        var frames = await ReadTextFramesAsync(socket, 2);
        Assert.Contains("binary_not_supported", frames[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_only_sends_garbage_is_closed_with_1008()
    {
        await using var strict = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Gateway:MaxInvalidFrames"] = "5" });
        var (client, _, _) = await strict.RegisterAndLoginAsync();
        using var _c = client;
        await using var live = await client.ConnectLiveAsync();

        for (var i = 0; i < 5; i++)
        {
            await live.SendRawAsync(Encoding.UTF8.GetBytes("garbage")).DefaultTimeout();
        }

        await live.Completion.DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, live.CloseStatus);
    }

    [Fact]
    public async Task A_frame_over_the_size_limit_closes_the_connection_with_1009()
    {
        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        await using var live = await client.ConnectLiveAsync();

        await live.SendRawAsync(new byte[200 * 1024]).DefaultTimeout();

        await live.Completion.DefaultTimeout();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, live.CloseStatus);
    }

    [Fact]
    public async Task A_message_over_the_body_limit_is_refused_and_the_connection_stays()
    {
        var (alice, _, _) = await Instance.RegisterAndLoginAsync();
        var (_, bobName, _) = await Instance.RegisterAndLoginAsync();
        using var _a = alice;
        var conversation = await alice.CreateDirectAsync(bobName).DefaultTimeout();
        await using var live = await alice.ConnectLiveAsync();

        await live.SendMessageAsync(conversation.Id, new string('x', 65 * 1024)).ShouldFailRealtimeAsync("validation_failed");

        Assert.Equal(1, (await live.SendMessageAsync(conversation.Id, "small").DefaultTimeout()).Seq);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("roost_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_bad_token_is_closed_with_4001(string token)
    {
        using var socket = new ClientWebSocket();
        if (token.Length > 0)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        await socket.ConnectAsync(WsUri(), CancellationToken.None).DefaultTimeout();
        var result = await socket.ReceiveAsync(new byte[1024], CancellationToken.None).DefaultTimeout();

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal((WebSocketCloseStatus)4001, socket.CloseStatus);
    }

    [Fact]
    public async Task A_browser_may_pass_the_token_as_a_query_parameter()
    {
        var (client, _, login) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(new Uri(WsUri() + "?access_token=" + Uri.EscapeDataString(client.AccessToken!)), CancellationToken.None).DefaultTimeout();

        var hello = (await ReadTextFramesAsync(socket, 1))[0];
        Assert.Contains($"\"accountId\":{login.AccountId}", hello, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logging_out_or_revoking_a_device_closes_its_live_connections_with_4003()
    {
        var (phone, username, _) = await Instance.RegisterAndLoginAsync(deviceName: "phone");
        var (laptop, laptopLogin) = await Instance.LoginAsync(username, deviceName: "laptop");
        using var _p = phone;
        using var _l = laptop;
        await using var phoneLive = await phone.ConnectLiveAsync();
        await using var laptopLive = await laptop.ConnectLiveAsync();

        await phone.RevokeDeviceAsync(laptopLogin.DeviceId!.Value).DefaultTimeout();
        await laptopLive.Completion.DefaultTimeout();
        await phone.LogoutAsync().DefaultTimeout();
        await phoneLive.Completion.DefaultTimeout();

        Assert.Equal((WebSocketCloseStatus)4003, laptopLive.CloseStatus);
        Assert.Equal((WebSocketCloseStatus)4003, phoneLive.CloseStatus);
    }

    [Fact]
    public async Task A_peer_that_stops_answering_pings_is_dropped_within_the_keep_alive_timeout()
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:Gateway:KeepAliveInterval"] = "00:00:01",
            ["Roost:Gateway:KeepAliveTimeout"] = "00:00:02",
        });
        using var chat = await instance.StartDirectChatAsync();
        await using var aliceLive = await chat.Alice.ConnectLiveAsync();
        await aliceLive.SubscribePresenceAsync([chat.BobLogin.AccountId]).DefaultTimeout();

        // Bob's socket completes the handshake and then never reads again, so it never answers a ping: a dead peer.
        using var silent = new ClientWebSocket();
        silent.Options.SetRequestHeader("Authorization", "Bearer " + chat.Bob.AccessToken);
        silent.Options.KeepAliveInterval = TimeSpan.Zero;
        await silent.ConnectAsync(new UriBuilder(new Uri(instance.BaseAddress, "v1/ws")) { Scheme = "ws" }.Uri, CancellationToken.None).DefaultTimeout();
        await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.AccountId == chat.BobLogin.AccountId && f.Status == "online");

        var offline = await aliceLive.ReadUntilAsync(f => f.Type == ServerFrameTypes.Presence && f.AccountId == chat.BobLogin.AccountId && f.Status == "offline");

        Assert.NotNull(offline.LastSeenAt);
    }

    [Fact]
    public async Task Ping_frames_are_answered_with_pong_carrying_the_ref()
    {
        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        await using var live = await client.ConnectLiveAsync();

        var pong = await live.RequestAsync(new ClientFrame { Type = ClientFrameTypes.Ping, Ref = "my-ref" }).DefaultTimeout();

        Assert.Equal((ServerFrameTypes.Pong, "my-ref"), (pong.Type, pong.Ref));
    }

    [Fact]
    public async Task A_plain_http_request_to_the_gateway_is_a_problem_not_an_error()
    {
        using var http = Instance.CreateHttpClient();

        using var response = await http.GetAsync(new Uri("/v1/ws", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("websocket_required", await response.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
    }

    private Uri WsUri() => new UriBuilder(new Uri(Instance.BaseAddress, "v1/ws")) { Scheme = "ws" }.Uri;

    private async Task<ClientWebSocket> ConnectRawAsync(string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await socket.ConnectAsync(WsUri(), CancellationToken.None).DefaultTimeout();
        return socket;
    }

    private static async Task<List<string>> ReadTextFramesAsync(ClientWebSocket socket, int count)
    {
        var frames = new List<string>();
        var buffer = new byte[64 * 1024];
        while (frames.Count < count)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
            Assert.True(result.EndOfMessage);
            frames.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        return frames;
    }
}
