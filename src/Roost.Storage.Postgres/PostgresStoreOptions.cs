namespace Roost.Storage.Postgres;

/// <summary>Settings of the cluster store. Bound from <c>Roost:Storage:Postgres</c>.</summary>
public sealed record PostgresStoreOptions
{
    /// <summary>An Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…;SSL Mode=VerifyFull</c>).</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>
    /// A PEM file with the CA certificate(s) the database server's certificate must chain to; with it the connection
    /// uses <c>sslmode=verify-full</c> (encrypted, and the host name checked against the certificate).
    /// </summary>
    public string? RootCertificate { get; init; }

    /// <summary>Most write operations committed in one transaction (group commit).</summary>
    public int MaxWriteBatch { get; init; } = 512;

    /// <summary>Write operations waiting for the writer; a sender waits when it is full.</summary>
    public int WriteQueueCapacity { get; init; } = 16_384;
}
