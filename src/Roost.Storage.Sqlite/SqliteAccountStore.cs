using Microsoft.Data.Sqlite;
using Roost.Core.Accounts;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Protocol.Events;

namespace Roost.Storage.Sqlite;

internal sealed class SqliteAccountStore(SqliteStore store) : IAccountStore
{
    internal const string AccountColumns = "id, username, password_hash, display_name, about, created_at, phone, disabled_at";

    public Task<Account?> CreateAsync(NewAccount account, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command($"""
                INSERT INTO accounts (username, username_normalized, password_hash, display_name, about, created_at)
                VALUES ($username, $normalized, $hash, $displayName, '', $createdAt)
                ON CONFLICT (username_normalized) DO NOTHING
                RETURNING {AccountColumns}
                """);
            command.Parameters.AddWithValue("$username", account.Username);
            command.Parameters.AddWithValue("$normalized", account.NormalizedUsername);
            command.Parameters.AddWithValue("$hash", account.PasswordHash);
            command.Parameters.AddWithValue("$displayName", account.DisplayName);
            command.Parameters.AddWithValue("$createdAt", SqliteTime.ToColumn(account.CreatedAt));
            return ReadSingle(command);
        }, cancellationToken);

    public Task<Account?> FindByIdAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var command = session.Command($"SELECT {AccountColumns} FROM accounts WHERE id = $id");
            command.Parameters.AddWithValue("$id", accountId);
            return ReadSingle(command);
        }, cancellationToken);

    public Task<Account?> FindByUsernameAsync(string normalizedUsername, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var command = session.Command($"SELECT {AccountColumns} FROM accounts WHERE username_normalized = $username");
            command.Parameters.AddWithValue("$username", normalizedUsername);
            return ReadSingle(command);
        }, cancellationToken);

    public Task<bool> SetPasswordHashAsync(long accountId, string passwordHash, CancellationToken cancellationToken) =>
        store.WriteAsync(context => SetPasswordHash(context, accountId, passwordHash), cancellationToken);

    public Task<bool> ChangePasswordAsync(long accountId, string passwordHash, long keepDeviceId, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            if (!SetPasswordHash(context, accountId, passwordHash))
            {
                return false;
            }

            var revoke = context.Command("DELETE FROM devices WHERE account_id = $account AND id <> $keep");
            revoke.Parameters.AddWithValue("$account", accountId);
            revoke.Parameters.AddWithValue("$keep", keepDeviceId);
            revoke.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    public Task<Account?> UpdateProfileAsync(long accountId, ProfileChange change, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command($"""
                UPDATE accounts
                SET display_name = COALESCE($displayName, display_name), about = COALESCE($about, about)
                WHERE id = $id
                RETURNING {AccountColumns}
                """);
            command.Parameters.AddWithValue("$id", accountId);
            command.Parameters.AddWithValue("$displayName", (object?)change.DisplayName ?? DBNull.Value);
            command.Parameters.AddWithValue("$about", (object?)change.About ?? DBNull.Value);
            return ReadSingle(command);
        }, cancellationToken);

    public Task<bool> DeleteAsync(long accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            LeaveEveryConversation(context, accountId, now);

            // Devices and memberships go with the account through ON DELETE CASCADE.
            var command = context.Command("DELETE FROM accounts WHERE id = $id");
            command.Parameters.AddWithValue("$id", accountId);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <summary>Tells each of the account's conversations it is gone, and hands on any group it owned.</summary>
    private static void LeaveEveryConversation(SqliteWriteContext context, long accountId, DateTimeOffset now)
    {
        var memberships = context.Command("SELECT conversation_id, role FROM conversation_members WHERE account_id = $id AND left_seq IS NULL");
        memberships.Parameters.AddWithValue("$id", accountId);
        var conversations = memberships.ReadAll(reader => (Id: reader.GetInt64(0), Role: reader.GetString(1)));

        foreach (var (conversationId, role) in conversations)
        {
            var members = SqliteQueries.LoadCurrentMembers(context, conversationId);
            var audience = EventAudience.AccountDeleted(members.Select(MemberWindow.Of), accountId);
            if (audience.Length == 0)
            {
                continue;
            }

            context.Emit(new MemberRemovedEvent(conversationId, accountId, accountId, "deleted"), audience, now);
            if (role == MemberRoles.Owner && ConversationRules.ChooseHeir(members.Where(m => m.AccountId != accountId)) is { } heir)
            {
                var promote = context.Command("UPDATE conversation_members SET role = 'owner' WHERE conversation_id = $conversation AND account_id = $account");
                promote.Parameters.AddWithValue("$conversation", conversationId);
                promote.Parameters.AddWithValue("$account", heir.AccountId);
                promote.ExecuteNonQuery();
                context.Emit(new MemberRoleChangedEvent(conversationId, heir.AccountId, MemberRoles.Owner, accountId), audience, now);
            }
        }
    }

    private static bool SetPasswordHash(SqliteWriteContext context, long accountId, string passwordHash)
    {
        var command = context.Command("UPDATE accounts SET password_hash = $hash WHERE id = $id");
        command.Parameters.AddWithValue("$id", accountId);
        command.Parameters.AddWithValue("$hash", passwordHash);
        return command.ExecuteNonQuery() == 1;
    }

    internal static Account? ReadSingle(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new Account(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            SqliteTime.FromColumn(reader.GetInt64(5)),
            reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.IsDBNull(7) ? null : SqliteTime.FromColumn(reader.GetInt64(7)));
    }
}
