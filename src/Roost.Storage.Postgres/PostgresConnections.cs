using Npgsql;

namespace Roost.Storage.Postgres;

/// <summary>How the store connects: the operator's connection string, plus Roost's defaults where it says nothing.</summary>
public static class PostgresConnections
{
    /// <summary>Checks the settings without connecting; each problem names its setting.</summary>
    public static IReadOnlyList<string> Validate(PostgresStoreOptions options, string prefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            problems.Add($"{prefix}:ConnectionString is required when Roost:Storage:Engine is postgres.");
            return problems;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException exception)
        {
            // The message names the bad keyword; the string itself may hold a password, so it is not repeated.
            problems.Add($"{prefix}:ConnectionString is not a valid connection string: {exception.Message}");
            return problems;
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            problems.Add($"{prefix}:ConnectionString must name a Host.");
        }

        if (options.RootCertificate is { } root)
        {
            if (!File.Exists(root))
            {
                problems.Add($"{prefix}:RootCertificate: no file at {root}.");
            }

            // Prefer (Npgsql's default, so also "not given") is raised to VerifyFull; a mode that would skip verification is a contradiction.
            if (builder.SslMode is SslMode.Disable or SslMode.Allow or SslMode.Require)
            {
                problems.Add($"{prefix}:RootCertificate is set, so the connection string's SSL Mode must be VerifyFull (or VerifyCA), not {builder.SslMode}.");
            }
        }

        return problems;
    }

    internal static NpgsqlDataSource CreateDataSource(PostgresStoreOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var settings = builder.ConnectionStringBuilder;
        if (options.RootCertificate is { } root)
        {
            settings.RootCertificate = root;
            if (settings.SslMode is SslMode.Prefer)
            {
                settings.SslMode = SslMode.VerifyFull;
            }
        }

        // The hot statements (append, sync, history) are prepared on each pooled connection after their second use.
        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 64;
        }

        settings.ApplicationName ??= "roost";
        return builder.Build();
    }

    internal static string Describe(PostgresStoreOptions options)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            return $"{builder.Database ?? builder.Username} on {builder.Host}:{builder.Port}";
        }
        catch (ArgumentException)
        {
            return "(invalid connection string)";
        }
    }
}
