using Roost.Bus.RabbitMq;

namespace Roost.Server.Options;

public enum ClusterBus
{
    /// <summary>The default: this node alone (nodes in one process share it in tests).</summary>
    InProcess,

    /// <summary>Several nodes on one PostgreSQL database, joined over RabbitMQ.</summary>
    RabbitMq,
}

/// <summary>How this node finds the other nodes of its cluster. Bound from <c>Roost:Cluster</c>.</summary>
public sealed record ClusterOptions
{
    public ClusterBus Bus { get; init; } = ClusterBus.InProcess;

    /// <summary>
    /// This node's name in the cluster (letters, digits, '-', '_' and '.'); it must differ between running nodes. Empty:
    /// the host name and a random suffix, new at every start.
    /// </summary>
    public string NodeId { get; init; } = "";

    /// <summary>Where other nodes and operators reach this node (listed by <c>roost admin nodes</c>). Empty: the first of Roost:Server:Urls.</summary>
    public string Address { get; init; } = "";

    /// <summary>How often this node writes its heartbeat to the registry and sweeps for dead nodes.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A node whose heartbeat is older than this is declared dead: its connections' accounts go offline (at its last
    /// heartbeat). At least three heartbeat intervals; a dead node's users show online for at most this long plus one interval.
    /// </summary>
    public TimeSpan DeadAfter { get; init; } = TimeSpan.FromSeconds(20);

    public RabbitMqSettings RabbitMq { get; init; } = new();

    /// <summary>The bus settings for this node.</summary>
    public RabbitMqBusOptions ToRabbitMq(string nodeId, byte[] signingKey) => new()
    {
        SigningKey = signingKey,
        Uri = RabbitMq.Uri,
        RootCertificate = RabbitMq.RootCertificate,
        NodeId = nodeId,
        Exchange = RabbitMq.Exchange,
    };
}

/// <summary>The broker of a cluster. Bound from <c>Roost:Cluster:RabbitMq</c>.</summary>
public sealed record RabbitMqSettings
{
    /// <summary>
    /// <c>amqp://</c> or <c>amqps://user:password@host:port/vhost</c>. It holds a password: prefer the environment
    /// variable <c>ROOST__CLUSTER__RABBITMQ__URI</c> over appsettings.json.
    /// </summary>
    public string Uri { get; init; } = "";

    /// <summary>A PEM file of the CA that signed the broker's certificate, when the system does not trust it (amqps only).</summary>
    public string? RootCertificate { get; init; }

    /// <summary>The exchange the nodes of one cluster share (two clusters on one broker need two names, or two vhosts).</summary>
    public string Exchange { get; init; } = "roost.events";

    // The URI may hold a password: a record would print it.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("RootCertificate = ").Append(RootCertificate).Append(", Exchange = ").Append(Exchange);
        return true;
    }
}
