using Roost.Client;
using Roost.Client.Realtime;
using Roost.Protocol.Realtime;

namespace Roost.Cli.Bench;

/// <summary>A user the load generator signed in, and (when asked) connected.</summary>
internal sealed class BenchUser(RoostClient client, string username, long accountId, bool registered)
{
    public RoostClient Client => client;

    public string Username => username;

    public long AccountId => accountId;

    /// <summary>False when the account existed already (a seeded user, or a re-run).</summary>
    public bool Registered => registered;

    public RoostConnection? Connection { get; set; }
}

/// <summary>How <see cref="BenchUsers.SignInAsync"/> gets its users.</summary>
internal enum BenchSignIn
{
    /// <summary>Register each user; one that exists already (a re-run) is logged in instead.</summary>
    RegisterOrLogIn,

    /// <summary>Only log in: the users must exist (seeded by <c>roost bench seed</c>).</summary>
    LogIn,
}

/// <summary>Thrown when set-up cannot go on, with a message that says what to do.</summary>
internal sealed class BenchSetupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Signs users in and connects them in bulk over the public API, with bounded parallelism.</summary>
internal static class BenchUsers
{
    public const string Password = "bench password 12345";

    public static string Username(string prefix, int index) => $"{prefix}_{index}";

    /// <summary>Null when <c>{prefix}_{0..users-1}</c> are all valid usernames (3–32 of a-z, A-Z, 0-9, _ and .); otherwise what is wrong.</summary>
    public static string? ValidatePrefix(string prefix, int users) =>
        prefix.Length == 0 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.') ? "--prefix must be letters, digits, _ or . (usernames are {prefix}_{i})."
        : Username(prefix, Math.Max(0, users - 1)).Length > 32 ? "--prefix is too long: usernames ({prefix}_{i}) have at most 32 characters."
        : null;

    /// <summary>Users <c>{prefix}_{0..count-1}</c>; <paramref name="progress"/> gets the number done so far.</summary>
    public static Task<List<BenchUser>> SignInAsync(
        Uri url, int count, string prefix, BenchSignIn mode, int parallelism, Action<int>? progress, CancellationToken cancellationToken) =>
        SignInAsync([url], count, prefix, mode, parallelism, progress, cancellationToken);

    /// <summary>As above, user i signing in (and later connecting) through node i mod the number of nodes.</summary>
    public static async Task<List<BenchUser>> SignInAsync(
        IReadOnlyList<Uri> nodes, int count, string prefix, BenchSignIn mode, int parallelism, Action<int>? progress, CancellationToken cancellationToken)
    {
        var users = new BenchUser[count];
        var done = 0;

        // One HTTP connection pool per node for all users (each keeps its own token): thousands of users must not mean thousands of sockets.
        var http = nodes.Select(node => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parallelism }) { BaseAddress = node, Timeout = TimeSpan.FromSeconds(60) }).ToArray();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var client = new RoostClient(http[i % http.Length]);
            var username = Username(prefix, i);
            var registered = mode == BenchSignIn.RegisterOrLogIn && await TryRegisterAsync(client, username, token);
            try
            {
                var login = await client.LoginAsync(username, Password, "bench", "roost-cli", token);
                users[i] = new BenchUser(client, username, login.AccountId, registered);
            }
            catch (RoostApiException exception) when (mode == BenchSignIn.LogIn && exception.Status == System.Net.HttpStatusCode.Unauthorized)
            {
                throw new BenchSetupException($"Cannot log in as {username} ({exception.Code}): seed the users first (roost bench seed --prefix {prefix}).", exception);
            }

            progress?.Invoke(Interlocked.Increment(ref done));
        });
        return [.. users];
    }

    /// <summary>
    /// Opens one live connection per user. With <paramref name="sync"/> it follows events from now on; without, the
    /// server sends it no events (a sender that only needs acks), and a drain reads whatever else comes (presence).
    /// </summary>
    public static async Task ConnectAsync(IReadOnlyList<BenchUser> users, int parallelism, bool sync, Action<int>? progress, CancellationToken cancellationToken)
    {
        var done = 0;
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (user, token) =>
        {
            user.Connection = await RoostConnection.ConnectAsync(user.Client.BaseAddress!, user.Client.AccessToken!, frameBuffer: 16_384, cancellationToken: token);
            if (sync)
            {
                var synced = await user.Connection.SyncAsync(null, token);
                if (synced.Type != ServerFrameTypes.Synced)
                {
                    throw new InvalidOperationException("The server did not confirm the sync.");
                }
            }
            else
            {
                _ = DrainAsync(user.Connection);
            }

            progress?.Invoke(Interlocked.Increment(ref done));
        });
    }

    /// <summary>Closes every user's connection (the users stay signed in).</summary>
    public static async Task DisconnectAsync(IEnumerable<BenchUser> users)
    {
        foreach (var user in users)
        {
            if (user.Connection is { } connection)
            {
                user.Connection = null;
                connection.Abort();
                await connection.DisposeAsync();
            }
        }
    }

    public static async Task DisposeAsync(IEnumerable<BenchUser> users)
    {
        var list = users.ToList();
        await DisconnectAsync(list);
        foreach (var user in list)
        {
            user.Client.Dispose();
        }
    }

    private static async Task<bool> TryRegisterAsync(RoostClient client, string username, CancellationToken cancellationToken)
    {
        try
        {
            await client.RegisterAsync(username, Password, cancellationToken: cancellationToken);
            return true;
        }
        catch (RoostApiException exception) when (exception.Code == "username_taken")
        {
            return false; // A re-run: log in instead.
        }
    }

    /// <summary>Reads and drops frames until the connection closes: a connection nobody reads would be dropped by its own bounded buffer.</summary>
    private static async Task DrainAsync(RoostConnection connection)
    {
        var frames = connection.Frames;
        while (await frames.WaitToReadAsync())
        {
            _ = frames.TryRead(out _);
        }
    }
}
