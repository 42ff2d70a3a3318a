namespace Roost.Storage.Sqlite;

/// <summary>Times are stored as unix milliseconds (INTEGER): compact, sortable and engine-neutral.</summary>
internal static class SqliteTime
{
    public static long ToColumn(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromColumn(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
