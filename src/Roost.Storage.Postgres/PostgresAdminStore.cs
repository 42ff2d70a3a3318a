using Npgsql;
using Roost.Core.Admin;

namespace Roost.Storage.Postgres;

internal sealed class PostgresAdminStore(PostgresStore store) : IAdminStore
{
    private const string UserQuery = """
        SELECT a.id, a.username, a.display_name, a.phone, a.created_at, a.disabled_at,
               (SELECT COUNT(*) FROM devices d WHERE d.account_id = a.id),
               (SELECT MAX(d.last_seen_at) FROM devices d WHERE d.account_id = a.id)
        FROM accounts a
        """;

    public Task<IReadOnlyList<AdminUser>> ListUsersAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<AdminUser>>(async session => await session.Command(UserQuery + " WHERE a.id > @after ORDER BY a.id LIMIT @limit")
            .With("after", afterId)
            .With("limit", limit)
            .ReadAllAsync(Read), cancellationToken);

    public Task<AdminUser?> FindUserAsync(string normalizedUsername, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => session.Command(UserQuery + " WHERE a.username_normalized = @username")
            .With("username", normalizedUsername)
            .ReadFirstAsync(Read), cancellationToken);

    public Task<bool> SetDisabledAsync(long accountId, DateTimeOffset? disabledAt, CancellationToken cancellationToken) =>
        store.WriteAsync(context => SetDisabledAsync(context, accountId, disabledAt), cancellationToken);

    /// <summary>Disables (revoking every session) or re-enables an account inside the caller's transaction; false when it does not exist.</summary>
    internal static async Task<bool> SetDisabledAsync(PostgresWriteContext context, long accountId, DateTimeOffset? disabledAt)
    {
        if (await context.Command("UPDATE accounts SET disabled_at = @at WHERE id = @id").With("at", disabledAt).With("id", accountId).RunAsync() == 0)
        {
            return false;
        }

        if (disabledAt is not null)
        {
            await DeleteDevicesAsync(context, accountId);
        }

        return true;
    }

    public Task<int> RevokeSessionsAsync(long accountId, CancellationToken cancellationToken) =>
        store.WriteAsync(context => DeleteDevicesAsync(context, accountId), cancellationToken);

    public Task<StoreStats> GetStatsAsync(CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session => (await session.Command("""
                SELECT (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM devices), (SELECT COUNT(*) FROM conversations),
                       (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM events), pg_database_size(current_database())
                """)
            .ReadFirstAsync(reader => new StoreStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5))))!, cancellationToken);

    private static Task<int> DeleteDevicesAsync(PostgresWriteContext context, long accountId) =>
        context.Command("DELETE FROM devices WHERE account_id = @id").With("id", accountId).RunAsync();

    private static AdminUser Read(NpgsqlDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetStringOrNull(3),
            reader.GetTime(4),
            reader.GetTimeOrNull(5),
            (int)reader.GetInt64(6),
            reader.GetTimeOrNull(7));
}
