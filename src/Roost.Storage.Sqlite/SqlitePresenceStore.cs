using Roost.Core.Presence;

namespace Roost.Storage.Sqlite;

internal sealed class SqlitePresenceStore(SqliteStore store) : IPresenceStore
{
    public Task SetLastSeenAsync(long accountId, DateTimeOffset lastSeenAt, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("UPDATE accounts SET last_seen_at = $at WHERE id = $id");
            command.Parameters.AddWithValue("$at", SqliteTime.ToColumn(lastSeenAt));
            command.Parameters.AddWithValue("$id", accountId);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task SetHiddenAsync(long accountId, bool hidden, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("UPDATE accounts SET presence_hidden = $hidden WHERE id = $id");
            command.Parameters.AddWithValue("$hidden", hidden ? 1 : 0);
            command.Parameters.AddWithValue("$id", accountId);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<PresenceRecord>> GetAsync(IReadOnlyList<long> accountIds, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<PresenceRecord>>(session =>
        {
            var records = new List<PresenceRecord>(accountIds.Count);
            var command = session.Command("SELECT last_seen_at, presence_hidden FROM accounts WHERE id = $id");
            var id = command.Parameters.Add("$id", Microsoft.Data.Sqlite.SqliteType.Integer);
            foreach (var accountId in accountIds)
            {
                id.Value = accountId;
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    records.Add(new PresenceRecord(accountId, reader.IsDBNull(0) ? null : SqliteTime.FromColumn(reader.GetInt64(0)), reader.GetInt64(1) != 0));
                }
            }

            return records;
        }, cancellationToken);
}
