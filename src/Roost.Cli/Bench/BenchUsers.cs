using Roost.Client;
using Roost.Client.Realtime;
using Roost.Protocol.Realtime;

namespace Roost.Cli.Bench;

/// <summary>A user the load generator created, signed in, and (when asked) connected.</summary>
internal sealed class BenchUser(RoostClient client, string username, long accountId)
{
    public RoostClient Client => client;

    public string Username => username;

    public long AccountId => accountId;

    public RoostConnection? Connection { get; set; }
}

/// <summary>Creates users in bulk over the public API, with bounded parallelism.</summary>
internal static class BenchUsers
{
    public const string Password = "bench password 12345";

    public static async Task<List<BenchUser>> CreateAsync(Uri url, int count, string prefix, int parallelism, Action<int>? progress, CancellationToken cancellationToken)
    {
        var users = new BenchUser[count];
        var done = 0;

        // One HTTP connection pool for all users (each keeps its own token): thousands of users must not mean thousands of sockets.
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parallelism }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var client = new RoostClient(http);
            var username = $"{prefix}_{i}";
            await client.RegisterAsync(username, Password, cancellationToken: token);
            var login = await client.LoginAsync(username, Password, "bench", "roost-cli", token);
            users[i] = new BenchUser(client, username, login.AccountId);
            progress?.Invoke(Interlocked.Increment(ref done));
        });
        return [.. users];
    }

    /// <summary>Opens one live connection per user (following events from now on).</summary>
    public static async Task ConnectAsync(IReadOnlyList<BenchUser> users, int parallelism, Action<int>? progress, CancellationToken cancellationToken)
    {
        var done = 0;
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (user, token) =>
        {
            user.Connection = await RoostConnection.ConnectAsync(user.Client.BaseAddress!, user.Client.AccessToken!, frameBuffer: 16_384, cancellationToken: token);
            var synced = await user.Connection.SyncAsync(null, token);
            if (synced.Type != ServerFrameTypes.Synced)
            {
                throw new InvalidOperationException("The server did not confirm the sync.");
            }

            progress?.Invoke(Interlocked.Increment(ref done));
        });
    }

    public static async Task DisposeAsync(IEnumerable<BenchUser> users)
    {
        foreach (var user in users)
        {
            if (user.Connection is { } connection)
            {
                connection.Abort();
                await connection.DisposeAsync();
            }

            user.Client.Dispose();
        }
    }
}
