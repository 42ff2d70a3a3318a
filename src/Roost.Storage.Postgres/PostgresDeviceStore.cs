using Npgsql;
using Roost.Core.Sessions;

namespace Roost.Storage.Postgres;

internal sealed class PostgresDeviceStore(PostgresStore store) : IDeviceStore
{
    private const string DeviceColumns = "id, account_id, name, platform, verified_by, created_at, last_seen_at, last_ip";

    public Task<Device?> CreateAsync(NewDevice device, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            // Only for an account that still exists: one deleted meanwhile gets no new session.
            if (await context.Command("SELECT 1 FROM accounts WHERE id = @account").With("account", device.AccountId).ScalarAsync() is null)
            {
                return null;
            }

            return await context.Command($"""
                    INSERT INTO devices (account_id, token_hash, name, platform, verified_by, created_at, last_seen_at, last_ip)
                    VALUES (@account, @tokenHash, @name, @platform, @verifiedBy, @createdAt, @createdAt, @ip)
                    RETURNING {DeviceColumns}
                    """)
                .With("account", device.AccountId)
                .With("tokenHash", device.TokenHash)
                .With("name", device.Name)
                .With("platform", device.Platform)
                .With("verifiedBy", device.VerifiedBy)
                .With("createdAt", device.CreatedAt)
                .With("ip", device.Ip)
                .ReadFirstAsync(ReadDevice);
        }, cancellationToken);

    public Task<AuthenticatedDevice?> FindByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => session.Command("""
                SELECT d.account_id, d.id, a.username, d.last_seen_at, d.last_ip
                FROM devices d JOIN accounts a ON a.id = d.account_id
                WHERE d.token_hash = @tokenHash AND a.disabled_at IS NULL
                """)
            .With("tokenHash", tokenHash)
            .ReadFirstAsync(reader => new AuthenticatedDevice(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetTime(3), reader.GetStringOrNull(4))), cancellationToken);

    public Task TouchAsync(long deviceId, DateTimeOffset lastSeenAt, string? lastIp, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command("UPDATE devices SET last_seen_at = @seen, last_ip = @ip WHERE id = @id")
            .With("id", deviceId)
            .With("seen", lastSeenAt)
            .With("ip", lastIp)
            .RunAsync(), cancellationToken);

    public Task<bool> ExistsAsync(long deviceId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session => await session.Command("SELECT 1 FROM devices WHERE id = @id").With("id", deviceId).ScalarAsync() is not null, cancellationToken);

    public Task<IReadOnlyList<Device>> ListAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<Device>>(async session => await session.Command($"SELECT {DeviceColumns} FROM devices WHERE account_id = @account ORDER BY id")
            .With("account", accountId)
            .ReadAllAsync(ReadDevice), cancellationToken);

    public Task<bool> DeleteAsync(long accountId, long deviceId, CancellationToken cancellationToken) =>
        store.WriteAsync(async context => await context.Command("DELETE FROM devices WHERE id = @id AND account_id = @account")
            .With("id", deviceId)
            .With("account", accountId)
            .RunAsync() == 1, cancellationToken);

    private static Device ReadDevice(NpgsqlDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetTime(5),
            reader.GetTime(6),
            reader.GetStringOrNull(7));
}
