using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Roost.Protocol.Realtime;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Http;

/// <summary>Numbers sent as strings, empty frames and requests Kestrel itself refuses: each gets a precise error with a code.</summary>
public sealed class StrictInputTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_number_sent_as_a_string_over_rest_is_refused_naming_the_member()
    {
        using var chat = await Instance.StartDirectChatAsync();
        using var http = Instance.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/conversations/{chat.Conversation.Id}/messages")
        {
            Content = new StringContent("{\"clientId\":\"strict-1\",\"body\":\"hi\",\"replyTo\":\"1\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", chat.Alice.AccessToken);

        using var response = await http.SendAsync(request).DefaultTimeout();
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_json", problem.RootElement.GetProperty("code").GetString());
        Assert.Contains("replyTo", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await chat.Bob.GetMessagesAsync(chat.Conversation.Id).DefaultTimeout()).Messages);
    }

    [Fact]
    public async Task A_number_sent_as_a_string_over_the_websocket_is_refused_naming_the_member()
    {
        using var chat = await Instance.StartDirectChatAsync();
        await using var live = await chat.Alice.ConnectLiveAsync();

        await live.SendRawAsync(Encoding.UTF8.GetBytes($"{{\"type\":\"send\",\"conversationId\":\"{chat.Conversation.Id}\",\"clientId\":\"c\",\"body\":\"b\"}}")).DefaultTimeout();
        var error = await live.ReadUntilAsync(f => f.Type == ServerFrameTypes.Error);

        Assert.Equal("malformed_frame", error.Code);
        Assert.Contains("conversationId", error.Message, StringComparison.Ordinal);
        Assert.Empty((await chat.Bob.GetMessagesAsync(chat.Conversation.Id).DefaultTimeout()).Messages);
    }

    [Fact]
    public async Task An_empty_text_frame_gets_malformed_frame_and_the_connection_stays_open()
    {
        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        await using var live = await client.ConnectLiveAsync();

        await live.SendRawAsync(ReadOnlyMemory<byte>.Empty).DefaultTimeout();
        var error = await live.ReadUntilAsync(f => f.Type == ServerFrameTypes.Error);

        Assert.Equal("malformed_frame", error.Code);
        Assert.Equal(ServerFrameTypes.Pong, (await live.PingAsync().DefaultTimeout()).Type);
    }

    [Theory]
    [InlineData("/v1/conversations/%00")]
    [InlineData("/v1/users/%00")]
    public async Task A_path_kestrel_refuses_still_gets_problem_json_with_a_code(string path)
    {
        var response = await RawRequestAsync($"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", response, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", response, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        Assert.Equal("malformed_request", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_broken_request_line_gets_problem_json_with_a_code()
    {
        var response = await RawRequestAsync("GET  /two spaces HTTP/1.1\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", response, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"malformed_request\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ordinary_answers_on_a_kept_alive_connection_are_untouched()
    {
        // Two requests on one connection: the rewriting writer must leave both answers as they are.
        var response = await RawRequestAsync(
            "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        Assert.Equal(2, response.Split("HTTP/1.1 200 OK").Length - 1);
        Assert.Equal(2, response.Split("Healthy").Length - 1);
        Assert.DoesNotContain("problem+json", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_over_the_limit_get_431_problem_json()
    {
        var response = await RawRequestAsync($"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', 40_000)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431 ", response, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"malformed_request\"", response, StringComparison.Ordinal);
    }

    /// <summary>Sends bytes no HttpClient would and reads the answer until the server closes the connection.</summary>
    private async Task<string> RawRequestAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Instance.BaseAddress.Host, Instance.BaseAddress.Port).DefaultTimeout();
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request)).DefaultTimeout();
        using var answer = new MemoryStream();
        await stream.CopyToAsync(answer).DefaultTimeout();
        return Encoding.UTF8.GetString(answer.ToArray());
    }
}
