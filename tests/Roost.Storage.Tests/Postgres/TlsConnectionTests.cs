using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Roost.Core.Storage;
using Roost.Storage.Postgres;
using Roost.Testing;

namespace Roost.Storage.Tests.Postgres;

/// <summary>
/// TLS to the database with <c>sslmode=verify-full</c>, against the test server's certificate from a throwaway CA
/// (test.sh makes it): a root certificate turns verification on, and a server whose certificate another CA signed is refused.
/// </summary>
public sealed class TlsConnectionTests : IAsyncLifetime
{
    private readonly TestPostgres _database = new();
    private readonly TempDirectory _directory = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task With_the_servers_root_certificate_the_store_connects_over_verified_tls()
    {
        var options = new PostgresStoreOptions { ConnectionString = await ByHostNameAsync(), RootCertificate = TestPostgres.CertificateAuthorityFile };
        Assert.Empty(PostgresConnections.Validate(options, "Roost:Storage:Postgres"));

        await using var store = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance);
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        Assert.True((await store.CheckHealthAsync(CancellationToken.None).DefaultTimeout()).IsHealthy);

        await using var dataSource = PostgresConnections.CreateDataSource(options);
        await using var connection = await dataSource.OpenConnectionAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", connection);
        Assert.Equal(true, await command.ExecuteScalarAsync().DefaultTimeout());
        Assert.Equal(SslMode.VerifyFull, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).SslMode);
    }

    [Fact]
    public async Task A_server_certificate_from_another_authority_is_refused_at_start()
    {
        var otherAuthority = Path.Combine(_directory.Path, "other-ca.pem");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Some other CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(otherAuthority, certificate.ExportCertificatePem());
        }

        var options = new PostgresStoreOptions { ConnectionString = await ByHostNameAsync(), RootCertificate = otherAuthority };
        await using var store = new PostgresStore(options, TimeProvider.System, NullLogger<PostgresStore>.Instance);

        await Assert.ThrowsAsync<StoreSchemaException>(() => store.InitializeAsync(CancellationToken.None)).DefaultTimeout();
    }

    [Theory]
    [InlineData("Disable")]
    [InlineData("Require")]
    public void A_root_certificate_with_a_mode_that_skips_verification_is_refused_by_validation(string mode)
    {
        var options = new PostgresStoreOptions
        {
            ConnectionString = $"Host=localhost;Database=roost;Username=roost;SSL Mode={mode}",
            RootCertificate = TestPostgres.CertificateAuthorityFile,
        };

        Assert.Contains(PostgresConnections.Validate(options, "Roost:Storage:Postgres"), problem => problem.Contains("must be VerifyFull", StringComparison.Ordinal));
    }

    [Fact]
    public void Validation_names_a_missing_connection_string_and_root_certificate_without_echoing_secrets()
    {
        Assert.Contains(PostgresConnections.Validate(new PostgresStoreOptions(), "Roost:Storage:Postgres"), problem => problem.Contains("ConnectionString is required", StringComparison.Ordinal));
        var problems = PostgresConnections.Validate(
            new PostgresStoreOptions { ConnectionString = "Host=db;Password=hunter2;Bogus Keyword=1" },
            "Roost:Storage:Postgres");
        Assert.Single(problems);
        Assert.DoesNotContain("hunter2", problems[0], StringComparison.Ordinal);
    }

    /// <summary>The test database by the name its certificate carries (localhost), as verify-full checks it.</summary>
    private async Task<string> ByHostNameAsync() =>
        new NpgsqlConnectionStringBuilder(await _database.CreateAsync()) { Host = "localhost" }.ConnectionString;
}
