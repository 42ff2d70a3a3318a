using Npgsql;
using Roost.Core.Storage;

namespace Roost.Storage.Postgres;

/// <summary>Which driver failures mean "the database is not there" (answered as store_unavailable) rather than a bug.</summary>
internal static class PostgresFailures
{
    /// <summary>
    /// No connection, a broken one, a timeout, or a server that is shutting down, out of connections or in recovery
    /// (SQLSTATE classes 08, 53, 57P): the request is fine, the database is not.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException => true,
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        IOException => true,
        _ => false,
    };

    public static StoreUnavailableException Unavailable(Exception exception) =>
        new("The database is unavailable: nothing was acknowledged. Retry shortly.", exception);
}
