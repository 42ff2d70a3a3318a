using Npgsql;

namespace Roost.Storage.Postgres;

/// <summary>Terse parameter binding and reading for hand-written SQL.</summary>
internal static class PostgresCommands
{
    /// <summary>Binds <c>@name</c>; null becomes SQL NULL.</summary>
    public static NpgsqlCommand With(this NpgsqlCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static async Task<int> RunAsync(this NpgsqlCommand command)
    {
        await using (command)
        {
            return await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The first column of the first row, or null when there is no row (or it is NULL).</summary>
    public static async Task<object?> ScalarAsync(this NpgsqlCommand command)
    {
        await using (command)
        {
            var value = await command.ExecuteScalarAsync();
            return value is DBNull ? null : value;
        }
    }

    public static async Task<List<T>> ReadAllAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> map)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<T>();
            while (await reader.ReadAsync())
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }

    /// <summary>The first row mapped, or the default when there is none.</summary>
    public static async Task<T?> ReadFirstAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> map)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync();
            return await reader.ReadAsync() ? map(reader) : default;
        }
    }

    public static DateTimeOffset? GetTimeOrNull(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateTimeOffset GetTime(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static string? GetStringOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetInt64OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
