using Microsoft.Extensions.Logging.Abstractions;
using Roost.Bus.RabbitMq;
using Roost.Core.Delivery;
using Roost.Testing;

namespace Roost.Delivery.Specification.Tests;

/// <summary>The bus between nodes over the private RabbitMQ node of ./test.sh; each test on an exchange of its own.</summary>
public sealed class RabbitMqEventBusTests : EventBusSpecification
{
    private readonly string _exchange = "roost.test." + Guid.NewGuid().ToString("N")[..12];
    private readonly List<RabbitMqEventBus> _buses = [];
    private readonly byte[] _signingKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    /// <summary>The specification's nodes (it disposes them itself).</summary>
    protected override IEventBus CreateBus() => NewBus(TestRabbitMq.Uri);

    protected override async Task SettledAsync(params EventRouter[] nodes)
    {
        foreach (var node in nodes)
        {
            var bus = (RabbitMqEventBus)node.Bus;
            await Until(() => bus.IsSettled);
        }
    }

    /// <summary>A node of this class's own tests, disposed with the test.</summary>
    private RabbitMqEventBus CreateBus(string uri, string? rootCertificate = null, byte[]? signingKey = null)
    {
        var bus = NewBus(uri, rootCertificate, signingKey);
        _buses.Add(bus);
        return bus;
    }

    private RabbitMqEventBus NewBus(string uri, string? rootCertificate = null, byte[]? signingKey = null) =>
        new(Options(uri, rootCertificate, signingKey), TimeProvider.System, NullLogger<RabbitMqEventBus>.Instance);

    private RabbitMqBusOptions Options(string uri, string? rootCertificate = null, byte[]? signingKey = null) => new()
    {
        SigningKey = signingKey ?? _signingKey,
        Uri = uri,
        RootCertificate = rootCertificate,
        NodeId = "test-" + Guid.NewGuid().ToString("N")[..8],
        Exchange = _exchange,
        ReconnectDelay = TimeSpan.FromMilliseconds(20),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var bus in _buses)
        {
            await bus.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_node_that_lost_the_broker_reconnects_rebinds_and_has_every_connection_that_missed_messages_catch_up()
    {
        await using var proxy = new TcpFaultProxy(TestRabbitMq.EndPoint);
        var (away, staying) = (await StartAsync(CreateBus(TestRabbitMq.UriThrough(proxy.Port))), await StartAsync(CreateBus(TestRabbitMq.Uri)));
        var alice = new RecordingSubscriber(1, 10);
        var bob = new RecordingSubscriber(2, 20);
        away.Subscribe(alice);
        staying.Subscribe(bob);
        await SettledAsync(away, staying);
        var (aliceCatchUps, bobCatchUps) = (alice.CatchUps, bob.CatchUps);

        proxy.Cut();
        await Until(() => !away.Bus.IsConnected);

        // Published while away: bob's node is told to catch up once the node is back; alice's node catches up itself.
        away.OnCommitted([new CommittedEvent(4, [2], "{}"u8.ToArray()) { PreviousCursors = [0] }]);
        away.CloseConnections(2, deviceId: 20);
        proxy.Restore();
        await Until(() => alice.CatchUps > aliceCatchUps && bob.CatchUps > bobCatchUps);
        Assert.Empty(bob.Frames);
        Assert.Empty(bob.Disconnects);

        // The queue came back with alice's binding: the other node reaches her again.
        await SettledAsync(away);
        staying.OnCommitted([new CommittedEvent(5, [1], "{}"u8.ToArray()) { PreviousCursors = [0] }]);
        await Until(() => alice.Frames.Count == 1);
        Assert.Equal(5, alice.Frames[0].Cursor);
    }

    [Fact]
    public async Task A_new_binding_has_the_accounts_connections_catch_up_for_what_was_published_before_it()
    {
        var node = await StartAsync(CreateBus(TestRabbitMq.Uri));
        var alice = new RecordingSubscriber(1, 10);

        node.Subscribe(alice);
        await SettledAsync(node);

        // One catch-up when the bus connected (nothing was connected then) does not count: this one is the binding's.
        await Until(() => alice.CatchUps == 1);
    }

    [Fact]
    public async Task Over_tls_the_broker_is_trusted_through_the_configured_root_and_refused_without_it()
    {
        var trusted = await StartAsync(CreateBus(TestRabbitMq.TlsUri, TestRabbitMq.CertificateAuthorityFile));
        var writer = await StartAsync(CreateBus(TestRabbitMq.Uri));
        var alice = new RecordingSubscriber(1, 10);
        trusted.Subscribe(alice);
        await SettledAsync(trusted);

        writer.OnCommitted([new CommittedEvent(3, [1], "{}"u8.ToArray()) { PreviousCursors = [0] }]);
        await Until(() => alice.Frames.Count == 1);

        // The test CA is not one the system trusts: without the root the first attempt fails, and the bus keeps trying.
        var untrusted = await StartAsync(CreateBus(TestRabbitMq.TlsUri));
        Assert.False(untrusted.Bus.IsConnected);
        Assert.Contains("(not connected)", untrusted.Bus.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_with_another_key_cannot_put_frames_in_front_of_users_or_close_their_sockets()
    {
        var intruder = await StartAsync(CreateBus(TestRabbitMq.Uri, signingKey: System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var honest = await StartAsync(CreateBus(TestRabbitMq.Uri));
        var reader = await StartAsync(CreateBus(TestRabbitMq.Uri));
        var alice = new RecordingSubscriber(1, 10);
        reader.Subscribe(alice);
        await SettledAsync(reader, intruder, honest);

        intruder.OnCommitted([new CommittedEvent(9, [1], "{\"forged\":true}"u8.ToArray()) { PreviousCursors = [0] }]);
        intruder.CloseConnections(1, deviceId: null);
        honest.OnCommitted([new CommittedEvent(10, [1], "{}"u8.ToArray()) { PreviousCursors = [0] }]);

        // The honest message was published after the forged ones: once it arrived, they had been dropped.
        await Until(() => alice.Frames.Count == 1);
        Assert.Equal(10, alice.Frames[0].Cursor);
        Assert.Empty(alice.Disconnects);
        await Until(() => ((RabbitMqEventBus)reader.Bus).UnreadableCount == 2);
    }

    [Fact]
    public void The_options_never_print_the_password()
    {
        var options = new RabbitMqBusOptions { Uri = "amqps://roost:hunter2@broker.example:5671/chat", NodeId = "n1", SigningKey = [42, 43] };

        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("42", options.ToString(), StringComparison.Ordinal);
        Assert.Equal("rabbitmq amqps://broker.example:5671 vhost chat", options.Describe());
    }

    [Fact]
    public void Settings_that_cannot_work_are_named()
    {
        var problems = RabbitMqConnections.Validate(new RabbitMqBusOptions { Uri = "http://broker", RootCertificate = "/nowhere.pem" }, "Roost:Cluster:RabbitMq");

        Assert.Contains(problems, p => p.Contains("Roost:Cluster:RabbitMq:Uri must be an amqp://", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no file at /nowhere.pem", StringComparison.Ordinal));
        Assert.Empty(RabbitMqConnections.Validate(new RabbitMqBusOptions { Uri = "amqp://guest:guest@127.0.0.1:5672/" }, "x"));
    }

    private static async Task<EventRouter> StartAsync(RabbitMqEventBus bus)
    {
        var router = new EventRouter(bus);
        await bus.StartAsync(router, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return router;
    }
}
