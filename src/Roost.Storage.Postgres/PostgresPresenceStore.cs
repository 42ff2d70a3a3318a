using Roost.Core.Presence;

namespace Roost.Storage.Postgres;

internal sealed class PostgresPresenceStore(PostgresStore store) : IPresenceStore
{
    public Task SetLastSeenAsync(long accountId, DateTimeOffset lastSeenAt, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command("UPDATE accounts SET last_seen_at = @at WHERE id = @id")
            .With("at", lastSeenAt)
            .With("id", accountId)
            .RunAsync(), cancellationToken);

    public Task SetHiddenAsync(long accountId, bool hidden, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command("UPDATE accounts SET presence_hidden = @hidden WHERE id = @id")
            .With("hidden", hidden)
            .With("id", accountId)
            .RunAsync(), cancellationToken);

    public Task<IReadOnlyList<PresenceRecord>> GetAsync(IReadOnlyList<long> accountIds, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<PresenceRecord>>(async session =>
        {
            // One query for the whole list, in the order asked (unknown accounts are left out).
            var found = await session.Command("SELECT id, last_seen_at, presence_hidden FROM accounts WHERE id = ANY(@ids)")
                .With("ids", accountIds.ToArray())
                .ReadAllAsync(reader => new PresenceRecord(reader.GetInt64(0), reader.GetTimeOrNull(1), reader.GetBoolean(2)));
            var byId = found.ToDictionary(r => r.AccountId);
            return [.. accountIds.Where(byId.ContainsKey).Select(id => byId[id])];
        }, cancellationToken);
}
