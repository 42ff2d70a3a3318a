using Microsoft.Data.Sqlite;
using Roost.Core.Admin;

namespace Roost.Storage.Sqlite;

internal sealed class SqliteAdminStore(SqliteStore store, SqliteStoreOptions options) : IAdminStore
{
    private static readonly string[] DatabaseFileSuffixes = ["", "-wal", "-shm"];

    private const string UserQuery = """
        SELECT a.id, a.username, a.display_name, a.phone, a.created_at, a.disabled_at,
               (SELECT COUNT(*) FROM devices d WHERE d.account_id = a.id),
               (SELECT MAX(d.last_seen_at) FROM devices d WHERE d.account_id = a.id)
        FROM accounts a
        """;

    public Task<IReadOnlyList<AdminUser>> ListUsersAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<AdminUser>>(session =>
        {
            var command = session.Command(UserQuery + " WHERE a.id > $after ORDER BY a.id LIMIT $limit");
            command.Parameters.AddWithValue("$after", afterId);
            command.Parameters.AddWithValue("$limit", limit);
            var users = command.ReadAll(reader => Read(reader));

            return users;
        }, cancellationToken);

    public Task<AdminUser?> FindUserAsync(string normalizedUsername, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var command = session.Command(UserQuery + " WHERE a.username_normalized = $username");
            command.Parameters.AddWithValue("$username", normalizedUsername);
            using var reader = command.ExecuteReader();
            return reader.Read() ? Read(reader) : null;
        }, cancellationToken);

    public Task<bool> SetDisabledAsync(long accountId, DateTimeOffset? disabledAt, CancellationToken cancellationToken) =>
        store.WriteAsync(context => SetDisabled(context, accountId, disabledAt), cancellationToken);

    /// <summary>Disables (revoking every session) or re-enables an account inside the caller's transaction; false when it does not exist.</summary>
    internal static bool SetDisabled(SqliteWriteContext context, long accountId, DateTimeOffset? disabledAt)
    {
        var command = context.Command("UPDATE accounts SET disabled_at = $at WHERE id = $id");
        command.Parameters.AddWithValue("$at", disabledAt is { } at ? SqliteTime.ToColumn(at) : DBNull.Value);
        command.Parameters.AddWithValue("$id", accountId);
        if (command.ExecuteNonQuery() == 0)
        {
            return false;
        }

        if (disabledAt is not null)
        {
            DeleteDevices(context, accountId);
        }

        return true;
    }

    public Task<int> RevokeSessionsAsync(long accountId, CancellationToken cancellationToken) =>
        store.WriteAsync(context => DeleteDevices(context, accountId), cancellationToken);

    public Task<StoreStats> GetStatsAsync(CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            long Count(string table) => (long)session.Command($"SELECT COUNT(*) FROM {table}").ExecuteScalar()!;
            var bytes = DatabaseFileSuffixes
                .Select(suffix => new FileInfo(options.DatabasePath + suffix))
                .Where(file => file.Exists)
                .Sum(file => file.Length);
            return new StoreStats(Count("accounts"), Count("devices"), Count("conversations"), Count("messages"), Count("events"), bytes);
        }, cancellationToken);

    private static int DeleteDevices(SqliteWriteContext context, long accountId)
    {
        var command = context.Command("DELETE FROM devices WHERE account_id = $id");
        command.Parameters.AddWithValue("$id", accountId);
        return command.ExecuteNonQuery();
    }

    private static AdminUser Read(SqliteDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            SqliteTime.FromColumn(reader.GetInt64(4)),
            reader.IsDBNull(5) ? null : SqliteTime.FromColumn(reader.GetInt64(5)),
            (int)reader.GetInt64(6),
            reader.IsDBNull(7) ? null : SqliteTime.FromColumn(reader.GetInt64(7)));
}
