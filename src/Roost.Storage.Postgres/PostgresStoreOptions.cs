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

    /// <summary>
    /// Refuse to start on a database another node serves (a session advisory lock, held while the store is open). On
    /// unless a bus joins this node to the others: without one, a node never hears of the events another commits, and
    /// its connections would miss them until they sync again. The store keeps the ordering rule with any number of writers.
    /// </summary>
    public bool ExclusiveNode { get; init; } = true;

    // The connection string may hold a password: a record would print it.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("RootCertificate = ").Append(RootCertificate).Append(", MaxWriteBatch = ").Append(MaxWriteBatch)
            .Append(", WriteQueueCapacity = ").Append(WriteQueueCapacity).Append(", ExclusiveNode = ").Append(ExclusiveNode);
        return true;
    }
}
