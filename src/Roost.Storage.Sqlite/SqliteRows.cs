using Microsoft.Data.Sqlite;

namespace Roost.Storage.Sqlite;

internal static class SqliteRows
{
    /// <summary>Runs the query and maps every row.</summary>
    public static List<T> ReadAll<T>(this SqliteCommand command, Func<SqliteDataReader, T> map)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
