using Npgsql;
using Roost.Core.Storage;

namespace Roost.Storage.Postgres;

/// <summary>Which driver failures mean "the database is not there" (answered as store_unavailable) rather than a bug.</summary>
internal static class PostgresFailures
{
    /// <summary>
    /// No connection, a broken one, a timeout, or a server that cannot take this work now: a FATAL or PANIC error (the
    /// session is gone), connection and resource classes (08, 53), shutting down or in recovery (57P), our role or
    /// database refused (28, 3D000), a read-only server after a failover (25006), or a lock not granted in time (55P03).
    /// The request is fine; the database is not.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.Severity is "FATAL" or "PANIC"
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("28", StringComparison.Ordinal)
            || postgres.SqlState is "3D000" or "25006" or "55P03",
        NpgsqlException => true,
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        IOException => true,
        _ => false,
    };

    public static StoreUnavailableException Unavailable(Exception exception) =>
        new("The database is unavailable: nothing was acknowledged. Retry shortly.", exception);
}
