using Npgsql;

namespace Roost.Testing;

/// <summary>
/// A database of its own on the test PostgreSQL server that <c>./test.sh</c> starts (ROOST_TEST_POSTGRES), created on
/// first use and dropped on dispose. Without that server a PostgreSQL test fails, never silently skips: the suite is
/// meant to run on both engines.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    public const string ServerVariable = "ROOST_TEST_POSTGRES";
    public const string CertificateVariable = "ROOST_TEST_POSTGRES_CA";

    private readonly string _database = "roost_test_" + Guid.NewGuid().ToString("N")[..16];
    private bool _created;

    /// <summary>The connection string of the test server's maintenance database.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{ServerVariable} is not set: run the tests with ./test.sh, which starts a private PostgreSQL server.");

    /// <summary>The CA certificate that signed the test server's certificate (for sslmode=verify-full tests).</summary>
    public static string CertificateAuthorityFile =>
        Environment.GetEnvironmentVariable(CertificateVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{CertificateVariable} is not set: run the tests with ./test.sh.");

    /// <summary>This database's connection string (plain TCP on loopback).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database }.ConnectionString;

    public string DatabaseName => _database;

    /// <summary>Creates the (empty) database the first time; later calls do nothing.</summary>
    public async Task<string> CreateAsync()
    {
        if (!_created)
        {
            await ExecuteOnServerAsync($"CREATE DATABASE {_database}");
            _created = true;
        }

        return ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_created)
        {
            await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
            _created = false;
        }
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        // Unpooled: a fault test may have restarted the server, which leaves pooled connections dead.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync().DefaultTimeout();
    }
}
