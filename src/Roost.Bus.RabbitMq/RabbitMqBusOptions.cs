namespace Roost.Bus.RabbitMq;

/// <summary>How a node reaches RabbitMQ, and the bounds of what it keeps while the broker is slow or away.</summary>
public sealed record RabbitMqBusOptions
{
    /// <summary>
    /// <c>amqp://user:password@host:5672/vhost</c>, or <c>amqps://</c> for TLS (the server's name is checked against
    /// its certificate). It holds a password: never printed.
    /// </summary>
    public string Uri { get; init; } = "";

    /// <summary>A PEM file of the CA that signed the broker's certificate, when it is not one the system trusts (amqps only).</summary>
    public string? RootCertificate { get; init; }

    /// <summary>This node's name: its queue is <c>roost.node.{NodeId}</c>, and messages it published carry it.</summary>
    public string NodeId { get; init; } = "";

    /// <summary>The key every node of the cluster signs and checks messages with (32 bytes, the same on every node; never printed).</summary>
    public byte[] SigningKey { get; init; } = [];

    /// <summary>The direct exchange every node publishes to and binds its queue on.</summary>
    public string Exchange { get; init; } = "roost.events";

    /// <summary>Messages waiting to be published; past it a message is dropped and its account told to catch up later.</summary>
    public int PublishQueueCapacity { get; init; } = 65_536;

    /// <summary>Messages the broker sends this node before it acknowledges them (bounds what a slow node buffers).</summary>
    public ushort Prefetch { get; init; } = 1_024;

    /// <summary>Most messages the broker keeps in this node's queue; past it the oldest are dropped (they are hints).</summary>
    public int MaxQueuedMessages { get; init; } = 262_144;

    /// <summary>Accounts whose messages were dropped, remembered to tell their nodes to catch up; past it every node catches up.</summary>
    public int MissedAccountsCapacity { get; init; } = 10_000;

    /// <summary>The first wait before connecting again; it doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Heartbeats on the AMQP connection: a broker that stops answering is noticed within about twice this.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The broker's address without credentials, for logs and health checks.</summary>
    public string Describe()
    {
        if (!System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri))
        {
            return "rabbitmq (no valid URI)";
        }

        var vhost = uri.AbsolutePath is "" or "/" ? "/" : System.Uri.UnescapeDataString(uri.AbsolutePath[1..]);
        return $"rabbitmq {uri.Scheme}://{uri.Host}:{(uri.IsDefaultPort ? (uri.Scheme == "amqps" ? 5671 : 5672) : uri.Port)} vhost {vhost}";
    }

    // The URI may hold a password: a record would print it.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Broker = ").Append(Describe()).Append(", RootCertificate = ").Append(RootCertificate)
            .Append(", NodeId = ").Append(NodeId).Append(", Exchange = ").Append(Exchange);
        return true;
    }
}
