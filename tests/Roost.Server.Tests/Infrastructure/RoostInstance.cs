using Roost.Client;
using Roost.Core.Delivery;
using Roost.Server;
using Roost.Testing;

namespace Roost.Server.Tests.Infrastructure;

/// <summary>
/// A whole Roost server started in-process on an ephemeral loopback port with its own data folder,
/// driven over real HTTP. Restartable on the same data.
/// </summary>
public sealed class RoostInstance : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly bool _ownsDirectory;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly TimeProvider? _time;
    private readonly TestPostgres? _database;
    private readonly bool _ownsDatabase;
    private readonly InProcessBusHub? _bus;
    private RoostHost? _host;

    private RoostInstance(
        TempDirectory directory, bool ownsDirectory, IReadOnlyDictionary<string, string> settings, TimeProvider? time, TestPostgres? database, bool ownsDatabase = true, InProcessBusHub? bus = null)
    {
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        _settings = settings;
        _time = time;
        _database = database;
        _ownsDatabase = ownsDatabase;
        _bus = bus;
    }

    /// <summary>The engine this instance stores on: the test run's (<see cref="TestEngine"/>) unless its settings pin one.</summary>
    public string Engine => _database is null ? "sqlite" : "postgres";

    /// <summary>The running host's services, for the few tests that must reach a background job directly.</summary>
    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("The instance is not running.");

    public Uri BaseAddress { get; private set; } = null!;

    public string DataDirectory => _directory.Path;

    /// <summary>Settings every test instance uses: cheap password hashing and limits no ordinary test reaches.</summary>
    public static IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string>
    {
        ["Roost:Server:Urls"] = "http://127.0.0.1:0",
        ["Roost:Accounts:PasswordHashIterations"] = "1000",
        ["Roost:Accounts:AllowWeakPasswordHashing"] = "true",
        ["Roost:RateLimits:RegisterPerIp:PermitLimit"] = "100000",
        ["Roost:RateLimits:LoginPerIp:PermitLimit"] = "100000",
        ["Roost:RateLimits:LoginAttemptsPerAccountAndNetwork:PermitLimit"] = "100000",
        ["Roost:RateLimits:LoginAttemptsPerAccount:PermitLimit"] = "100000",
        ["Roost:RateLimits:PasswordChecksPerAccount:PermitLimit"] = "100000",
        ["Roost:Identity:SendsPerNumber:PermitLimit"] = "100000",
        ["Roost:Identity:SendsPerIp:PermitLimit"] = "100000",
        ["Roost:Messaging:RateLimits:MessagesPerAccount:Burst"] = "1000000",
        ["Roost:Messaging:RateLimits:BytesPerAccount:Burst"] = "1000000000",
        ["Roost:Messaging:RateLimits:MessagesPerConversation:Burst"] = "1000000",
        ["Roost:Messaging:RateLimits:ReceiptsPerAccount:Burst"] = "1000000",
        ["Roost:Messaging:RateLimits:TypingPerAccount:Burst"] = "1000000",
        ["Roost:Messaging:RateLimits:PresenceSubscribesPerAccount:Burst"] = "1000000",
        ["Roost:Identity:SmsCountries:SendsPerHour"] = "100000",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Roost.Server.Sms"] = "Error",
        ["Logging:LogLevel:Roost.Server.Identity"] = "Error",
    };

    /// <summary>For tests of the SQLite engine's own files (the database file, a full disk): pins the engine whatever the run's.</summary>
    public static IReadOnlyDictionary<string, string> SqliteOnly { get; } = new Dictionary<string, string> { ["Roost:Storage:Engine"] = "sqlite" };

    /// <summary>Settings that send SMS through Twilio's API at <paramref name="twilio"/> (a local fake).</summary>
    public static Dictionary<string, string> TwilioSettings(FakeTwilio twilio, bool verifyApi = false)
    {
        ArgumentNullException.ThrowIfNull(twilio);
        var settings = new Dictionary<string, string>
        {
            ["Roost:Sms:Provider"] = "Twilio",
            ["Roost:Sms:Twilio:AccountSid"] = FakeTwilio.AccountSid,
            ["Roost:Sms:Twilio:AuthToken"] = FakeTwilio.AuthToken,
            ["Roost:Sms:Twilio:FromNumber"] = "+15005550006",
            ["Roost:Sms:Twilio:ApiBaseUrl"] = twilio.BaseAddress.ToString(),
            ["Roost:Sms:Twilio:VerifyBaseUrl"] = twilio.BaseAddress.ToString(),
            ["Roost:Sms:Twilio:RetryBaseDelay"] = "00:00:00",
        };
        if (verifyApi)
        {
            settings["Roost:Sms:Twilio:VerifyServiceSid"] = FakeTwilio.VerifyServiceSid;
        }

        return settings;
    }

    public static Task<RoostInstance> StartAsync(IReadOnlyDictionary<string, string>? overrides = null, TimeProvider? time = null) =>
        StartAsync(new TempDirectory(), ownsDirectory: true, overrides, time);

    /// <summary>Starts on a data folder the test owns (a small file system, say); it is not removed on dispose.</summary>
    public static Task<RoostInstance> StartInAsync(TempDirectory directory, IReadOnlyDictionary<string, string>? overrides = null, TimeProvider? time = null) =>
        StartAsync(directory, ownsDirectory: false, overrides, time);

    private static async Task<RoostInstance> StartAsync(TempDirectory directory, bool ownsDirectory, IReadOnlyDictionary<string, string>? overrides, TimeProvider? time)
    {
        var settings = new Dictionary<string, string>(DefaultSettings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        // On PostgreSQL each instance gets a database of its own, kept across restarts and dropped on dispose.
        TestPostgres? database = null;
        if (!settings.ContainsKey("Roost:Storage:Engine") && TestEngine.IsPostgres)
        {
            database = new TestPostgres();
            settings["Roost:Storage:Engine"] = "postgres";
            settings["Roost:Storage:Postgres:ConnectionString"] = await database.CreateAsync();
        }

        var instance = new RoostInstance(directory, ownsDirectory, settings, time, database);
        await instance.StartHostAsync();
        return instance;
    }

    /// <summary>
    /// Two nodes of one cluster on the test run's PostgreSQL (whatever the run's engine: SQLite is one node's file):
    /// one database, one in-process bus, each node with its own port and data folder.
    /// </summary>
    /// <param name="overRabbitMq">Join the nodes over the test run's RabbitMQ (an exchange of their own) instead of an in-process bus (then null).</param>
    public static async Task<(RoostInstance First, RoostInstance Second, InProcessBusHub? Bus)> StartClusterAsync(
        IReadOnlyDictionary<string, string>? overrides = null, bool overRabbitMq = false, TimeProvider? time = null)
    {
        var settings = new Dictionary<string, string>(DefaultSettings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var database = new TestPostgres();
        settings["Roost:Storage:Engine"] = "postgres";
        settings["Roost:Storage:Postgres:ConnectionString"] = await database.CreateAsync();
        // Nodes of one cluster share the identity key (stored secrets; the bus's signatures).
        settings["Roost:Identity:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var bus = overRabbitMq ? null : new InProcessBusHub();
        if (overRabbitMq)
        {
            settings["Roost:Cluster:Bus"] = "RabbitMq";
            settings["Roost:Cluster:RabbitMq:Uri"] = TestRabbitMq.Uri;
            settings["Roost:Cluster:RabbitMq:Exchange"] = "roost.test." + Guid.NewGuid().ToString("N")[..12];
            // A cluster's nodes share one media store; a local folder is refused on RabbitMQ.
            foreach (var (key, value) in TestS3.ServerSettings())
            {
                settings[key] = value;
            }
        }

        var first = new RoostInstance(new TempDirectory(), ownsDirectory: true, settings, time, database, ownsDatabase: true, bus);
        var second = new RoostInstance(new TempDirectory(), ownsDirectory: true, settings, time, database, ownsDatabase: false, bus);
        await first.StartHostAsync();
        await second.StartHostAsync();
        return (first, second, bus);
    }

    /// <summary>Stops this instance and starts a new one on the same data folder.</summary>
    public async Task RestartAsync()
    {
        await StopHostAsync();
        await StartHostAsync();
    }

    public RoostClient CreateClient() => new(BaseAddress);

    /// <summary>
    /// A client whose connections come from <paramref name="localAddress"/> (127.0.0.x: all of 127/8 is loopback on
    /// Linux), so the server sees a different client network without a proxy header.
    /// </summary>
    public RoostClient CreateClientFrom(System.Net.IPAddress localAddress)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(localAddress.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new System.Net.IPEndPoint(localAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new RoostClient(new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeoutExtensions.Limit }, ownsHttpClient: true);
    }

    /// <summary>A plain HTTP client for requests <see cref="RoostClient"/> would never send (malformed bodies and the like).</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TimeoutExtensions.Limit };

    public async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        if (_database is not null && _ownsDatabase)
        {
            await _database.DisposeAsync();
        }

        if (_ownsDirectory)
        {
            _directory.Dispose();
        }
    }

    private async Task StartHostAsync()
    {
        var args = _settings
            .Append(new KeyValuePair<string, string>("Roost:Storage:DataDirectory", _directory.Path))
            .Select(s => $"--{s.Key}={s.Value}")
            .ToArray();
        _host = RoostHost.Create(args, environmentName: "Testing", _time, _bus);
        await _host.StartAsync().DefaultTimeout();
        BaseAddress = _host.Addresses.Single();
    }

    private async Task StopHostAsync()
    {
        if (_host is null)
        {
            return;
        }

        await _host.StopAsync().DefaultTimeout();
        await _host.DisposeAsync().DefaultTimeout();
        _host = null;
    }
}
