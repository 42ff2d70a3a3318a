using System.Text.Json;
using Roost.Client;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Server.Tests.Push;

/// <summary>The push queue is in the store: a server killed with SIGKILL while pushes wait sends them after its restart.</summary>
public sealed class PushDurabilityTests
{
    [Fact]
    public async Task Pushes_queued_when_the_server_is_killed_go_out_after_it_restarts()
    {
        using var data = new TempDirectory();
        var (database, engine) = await TestEngine.ForServerProcessAsync();
        await using var ownedDatabase = database;
        await using var receiver = await WebPushReceiver.StartAsync();
        string[] arguments = [.. engine, .. PushTestSupport.Settings().Select(s => $"--{s.Key}={s.Value}")];
        var groups = new List<(long Id, long LastSeq)>();

        // The push service is down: every push fails and waits in the queue for its retry.
        receiver.FailAll();
        await using (var server = ServerProcess.Start(data.Path, arguments))
        {
            var address = await server.ListeningAsync();
            using var alice = new RoostClient(address);
            using var bob = new RoostClient(address);
            await alice.RegisterAsync("push_alice", UserHelpers.Password).DefaultTimeout();
            await bob.RegisterAsync("push_bob", UserHelpers.Password).DefaultTimeout();
            await alice.LoginAsync("push_alice", UserHelpers.Password).DefaultTimeout();
            await bob.LoginAsync("push_bob", UserHelpers.Password).DefaultTimeout();
            await bob.SubscribeAsync(receiver);
            for (var i = 0; i < 3; i++)
            {
                var group = await alice.CreateGroupAsync($"room {i}", ["push_bob"]).DefaultTimeout();
                await alice.SendMessageAsync(group.Id, "first").DefaultTimeout();
                var last = await alice.SendMessageAsync(group.Id, "second").DefaultTimeout();
                groups.Add((group.Id, last.Seq));
            }

            using var admin = PushTestSupport.Admin(address);
            await admin.WaitForQueueAsync(q => q.Retried >= 3);
            server.Crash();
            await server.WaitForExitAsync();
        }

        receiver.Recover();
        await using var restarted = ServerProcess.Start(data.Path, arguments);
        await restarted.ListeningAsync();

        var pushes = await receiver.WaitForAsync(3).DefaultTimeout();
        var announced = pushes.Select(p =>
        {
            using var payload = JsonDocument.Parse(p.Plaintext);
            return (payload.RootElement.GetProperty("conversationId").GetInt64(), payload.RootElement.GetProperty("seq").GetInt64());
        }).Order().ToList();
        Assert.Equal(groups.Order(), announced);
    }
}
