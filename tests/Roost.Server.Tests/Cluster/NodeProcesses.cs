using System.Security.Cryptography;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Cluster;

/// <summary>
/// Roost nodes as separate server processes on one PostgreSQL database (a database of their own on the test run's
/// server) and the test run's RabbitMQ (an exchange of their own), with the short heartbeat a test can wait for.
/// </summary>
public sealed class NodeProcesses : IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(4);

    private readonly TestPostgres _database;
    private readonly List<TempDirectory> _directories = [];
    private readonly List<ServerProcess> _nodes = [];

    private NodeProcesses(TestPostgres database)
    {
        _database = database;
    }

    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    public string AdminToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public ServerProcess this[int index] => _nodes[index];

    public static async Task<NodeProcesses> StartAsync(int count)
    {
        var cluster = new NodeProcesses(new TestPostgres());
        try
        {
            var connectionString = await cluster._database.CreateAsync();
            var exchange = "roost.test." + Guid.NewGuid().ToString("N")[..12];

            // Every node must protect secrets with the same key: a TOTP secret written by one is read by another.
            var identityKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var bucket = "roost-" + Guid.NewGuid().ToString("N")[..12]; // a cluster's nodes share one media store
            for (var i = 0; i < count; i++)
            {
                var directory = new TempDirectory();
                cluster._directories.Add(directory);
                cluster._nodes.Add(ServerProcess.Start(
                    directory.Path,
                    [
                        "--Roost:Storage:Engine=postgres",
                        $"--Roost:Storage:Postgres:ConnectionString={connectionString}",
                        "--Roost:Cluster:Bus=RabbitMq",
                        $"--Roost:Cluster:RabbitMq:Uri={TestRabbitMq.Uri}",
                        $"--Roost:Cluster:RabbitMq:Exchange={exchange}",
                        $"--Roost:Cluster:NodeId=node-{i + 1}",
                        $"--Roost:Cluster:HeartbeatInterval={HeartbeatInterval}",
                        $"--Roost:Cluster:DeadAfter={DeadAfter}",
                        $"--Roost:Identity:EncryptionKey={identityKey}",
                        $"--Roost:Admin:Token={cluster.AdminToken}",
                        .. TestS3.ServerSettings(bucket).Select(setting => $"--{setting.Key}={setting.Value}"),
                    ]));
            }

            cluster.Addresses = await Task.WhenAll(cluster._nodes.Select(n => n.ListeningAsync()));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The nodes' output, for a failure's message.</summary>
    public string Output(int index) => _nodes[index].Output;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        foreach (var directory in _directories)
        {
            directory.Dispose();
        }

        await _database.DisposeAsync();
    }
}
