using Microsoft.Data.Sqlite;
using Roost.Core.Sessions;

namespace Roost.Storage.Sqlite;

internal sealed class SqliteDeviceStore(SqliteStore store) : IDeviceStore
{
    private const string DeviceColumns = "id, account_id, name, platform, verified_by, created_at, last_seen_at, last_ip";

    public Task<Device?> CreateAsync(NewDevice device, CancellationToken cancellationToken) =>
        store.WriteAsync<Device?>(context =>
        {
            var exists = context.Command("SELECT 1 FROM accounts WHERE id = $account");
            exists.Parameters.AddWithValue("$account", device.AccountId);
            if (exists.ExecuteScalar() is null)
            {
                return null;
            }

            var command = context.Command($"""
                INSERT INTO devices (account_id, token_hash, name, platform, verified_by, created_at, last_seen_at, last_ip)
                VALUES ($account, $tokenHash, $name, $platform, $verifiedBy, $createdAt, $createdAt, $ip)
                RETURNING {DeviceColumns}
                """);
            command.Parameters.AddWithValue("$account", device.AccountId);
            command.Parameters.AddWithValue("$tokenHash", device.TokenHash);
            command.Parameters.AddWithValue("$name", device.Name);
            command.Parameters.AddWithValue("$platform", device.Platform);
            command.Parameters.AddWithValue("$verifiedBy", device.VerifiedBy);
            command.Parameters.AddWithValue("$createdAt", SqliteTime.ToColumn(device.CreatedAt));
            command.Parameters.AddWithValue("$ip", (object?)device.Ip ?? DBNull.Value);
            using var reader = command.ExecuteReader();
            reader.Read();
            return ReadDevice(reader);
        }, cancellationToken);

    public Task<AuthenticatedDevice?> FindByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var command = session.Command("""
                SELECT d.account_id, d.id, a.username, d.last_seen_at, d.last_ip
                FROM devices d JOIN accounts a ON a.id = d.account_id
                WHERE d.token_hash = $tokenHash AND a.disabled_at IS NULL
                """);
            command.Parameters.AddWithValue("$tokenHash", tokenHash);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new AuthenticatedDevice(
                    reader.GetInt64(0),
                    reader.GetInt64(1),
                    reader.GetString(2),
                    SqliteTime.FromColumn(reader.GetInt64(3)),
                    reader.IsDBNull(4) ? null : reader.GetString(4))
                : null;
        }, cancellationToken);

    public Task TouchAsync(long deviceId, DateTimeOffset lastSeenAt, string? lastIp, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("UPDATE devices SET last_seen_at = $seen, last_ip = $ip WHERE id = $id");
            command.Parameters.AddWithValue("$id", deviceId);
            command.Parameters.AddWithValue("$seen", SqliteTime.ToColumn(lastSeenAt));
            command.Parameters.AddWithValue("$ip", (object?)lastIp ?? DBNull.Value);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> ExistsAsync(long deviceId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var command = session.Command("SELECT 1 FROM devices WHERE id = $id");
            command.Parameters.AddWithValue("$id", deviceId);
            return command.ExecuteScalar() is not null;
        }, cancellationToken);

    public Task<IReadOnlyList<Device>> ListAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<Device>>(session =>
        {
            var command = session.Command($"SELECT {DeviceColumns} FROM devices WHERE account_id = $account ORDER BY id");
            command.Parameters.AddWithValue("$account", accountId);
            var devices = command.ReadAll(reader => ReadDevice(reader));

            return devices;
        }, cancellationToken);

    public Task<bool> DeleteAsync(long accountId, long deviceId, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("DELETE FROM devices WHERE id = $id AND account_id = $account");
            command.Parameters.AddWithValue("$id", deviceId);
            command.Parameters.AddWithValue("$account", accountId);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    private static Device ReadDevice(SqliteDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            SqliteTime.FromColumn(reader.GetInt64(5)),
            SqliteTime.FromColumn(reader.GetInt64(6)),
            reader.IsDBNull(7) ? null : reader.GetString(7));
}
