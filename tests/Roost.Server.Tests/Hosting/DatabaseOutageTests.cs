using System.Net;
using Npgsql;
using Roost.Server.Tests.Infrastructure;
using Roost.Server.Tests.Messaging;
using Roost.Testing;

namespace Roost.Server.Tests.Hosting;

/// <summary>
/// PostgreSQL going away while the server runs (connections reset, new ones refused): clear errors with a stable
/// code over both transports, nothing acknowledged that was not committed, and recovery by itself when it returns.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task While_the_database_is_away_requests_get_store_unavailable_and_the_server_recovers_when_it_returns()
    {
        Assert.SkipUnless(TestEngine.IsPostgres, "A PostgreSQL outage; this run's engine is " + TestEngine.Name + " (the postgres run covers it).");
        await using var database = new TestPostgres();
        var direct = new NpgsqlConnectionStringBuilder(await database.CreateAsync());
        await using var proxy = new TcpFaultProxy(new IPEndPoint(IPAddress.Loopback, direct.Port));
        var throughProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Port = proxy.Port, Timeout = 5 };
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string>
        {
            ["Roost:Storage:Engine"] = "postgres",
            ["Roost:Storage:Postgres:ConnectionString"] = throughProxy.ConnectionString,
        });
        using var chat = await instance.StartDirectChatAsync();
        await using var live = await chat.Alice.ConnectLiveAsync();
        Assert.Equal(1, (await live.SendMessageAsync(chat.Conversation.Id, "before", clientId: "before").DefaultTimeout()).Seq);
        using var http = instance.CreateHttpClient();

        proxy.Cut();

        var refused = await live.SendMessageAsync(chat.Conversation.Id, "while away", clientId: "away-1").ShouldFailRealtimeAsync("store_unavailable");
        Assert.NotNull(refused.RetryAfter);
        var rest = await Assert.ThrowsAsync<Client.RoostApiException>(() => chat.Alice.SendMessageAsync(chat.Conversation.Id, "over REST", clientId: "away-2")).DefaultTimeout();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "store_unavailable"), (rest.Status, rest.Code));
        Assert.NotNull(rest.RetryAfter);
        using (var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative)).DefaultTimeout())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("store_unavailable", await ready.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
        }

        // The connection itself lives on.
        Assert.Equal("pong", (await live.PingAsync().DefaultTimeout()).Type);

        proxy.Restore();

        using (var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative)).DefaultTimeout())
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // The refused sends were not stored: retried with their client ids they become new messages, once each.
        var retried = await live.SendMessageAsync(chat.Conversation.Id, "while away", clientId: "away-1").DefaultTimeout();
        Assert.Equal((2L, false), (retried.Seq, retried.Duplicate));
        Assert.Equal(3, (await chat.Alice.SendMessageAsync(chat.Conversation.Id, "over REST", clientId: "away-2").DefaultTimeout()).Seq);
        var history = await chat.Bob.GetMessagesAsync(chat.Conversation.Id).DefaultTimeout();
        Assert.Equal(["before", "while away", "over REST"], history.Messages.Select(m => m.Body));
    }
}
