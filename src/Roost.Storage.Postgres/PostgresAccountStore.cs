using Npgsql;
using Roost.Core.Accounts;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Protocol.Events;

namespace Roost.Storage.Postgres;

internal sealed class PostgresAccountStore(PostgresStore store) : IAccountStore
{
    internal const string AccountColumns = "id, username, password_hash, display_name, about, created_at, phone, disabled_at";

    public Task<Account?> CreateAsync(NewAccount account, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command($"""
                INSERT INTO accounts (username, username_normalized, password_hash, display_name, about, created_at)
                VALUES (@username, @normalized, @hash, @displayName, '', @createdAt)
                ON CONFLICT (username_normalized) DO NOTHING
                RETURNING {AccountColumns}
                """)
            .With("username", account.Username)
            .With("normalized", account.NormalizedUsername)
            .With("hash", account.PasswordHash)
            .With("displayName", account.DisplayName)
            .With("createdAt", account.CreatedAt)
            .ReadFirstAsync(ReadAccount), cancellationToken);

    public Task<Account?> FindByIdAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => session.Command($"SELECT {AccountColumns} FROM accounts WHERE id = @id")
            .With("id", accountId)
            .ReadFirstAsync(ReadAccount), cancellationToken);

    public Task<Account?> FindByUsernameAsync(string normalizedUsername, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => session.Command($"SELECT {AccountColumns} FROM accounts WHERE username_normalized = @username")
            .With("username", normalizedUsername)
            .ReadFirstAsync(ReadAccount), cancellationToken);

    public Task<bool> SetPasswordHashAsync(long accountId, string passwordHash, CancellationToken cancellationToken) =>
        store.WriteAsync(context => SetPasswordHashAsync(context, accountId, passwordHash), cancellationToken);

    public Task<bool> ChangePasswordAsync(long accountId, string passwordHash, long keepDeviceId, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            if (!await SetPasswordHashAsync(context, accountId, passwordHash))
            {
                return false;
            }

            await context.Command("DELETE FROM devices WHERE account_id = @account AND id <> @keep")
                .With("account", accountId)
                .With("keep", keepDeviceId)
                .RunAsync();
            return true;
        }, cancellationToken);

    public Task<Account?> UpdateProfileAsync(long accountId, ProfileChange change, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command($"""
                UPDATE accounts
                SET display_name = COALESCE(@displayName, display_name), about = COALESCE(@about, about)
                WHERE id = @id
                RETURNING {AccountColumns}
                """)
            .With("id", accountId)
            .With("displayName", change.DisplayName)
            .With("about", change.About)
            .ReadFirstAsync(ReadAccount), cancellationToken);

    public Task<bool> DeleteAsync(long accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            await LeaveEveryConversationAsync(context, accountId, now);

            // Devices and memberships go with the account through ON DELETE CASCADE.
            return await context.Command("DELETE FROM accounts WHERE id = @id").With("id", accountId).RunAsync() == 1;
        }, cancellationToken);

    /// <summary>Tells each of the account's conversations it is gone, and hands on any group it owned (<see cref="ConversationRules.ChooseHeir"/>).</summary>
    private static async Task LeaveEveryConversationAsync(PostgresWriteContext context, long accountId, DateTimeOffset now)
    {
        var conversations = await context.Command("SELECT conversation_id, role FROM conversation_members WHERE account_id = @id AND left_seq IS NULL")
            .With("id", accountId)
            .ReadAllAsync(reader => (Id: reader.GetInt64(0), Role: reader.GetString(1)));

        foreach (var (conversationId, role) in conversations)
        {
            var members = await PostgresQueries.LoadCurrentMembersAsync(context, conversationId);
            var audience = EventAudience.AccountDeleted(members.Select(MemberWindow.Of), accountId);
            if (audience.Length == 0)
            {
                continue;
            }

            await context.EmitAsync(new MemberRemovedEvent(conversationId, accountId, accountId, "deleted"), audience, now);
            if (role == MemberRoles.Owner && ConversationRules.ChooseHeir(members.Where(m => m.AccountId != accountId)) is { } heir)
            {
                await context.Command("UPDATE conversation_members SET role = 'owner' WHERE conversation_id = @conversation AND account_id = @account")
                    .With("conversation", conversationId)
                    .With("account", heir.AccountId)
                    .RunAsync();
                await context.EmitAsync(new MemberRoleChangedEvent(conversationId, heir.AccountId, MemberRoles.Owner, accountId), audience, now);
            }
        }
    }

    private static async Task<bool> SetPasswordHashAsync(PostgresWriteContext context, long accountId, string passwordHash) =>
        await context.Command("UPDATE accounts SET password_hash = @hash WHERE id = @id")
            .With("id", accountId)
            .With("hash", passwordHash)
            .RunAsync() == 1;

    internal static Account ReadAccount(NpgsqlDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetTime(5),
            reader.GetStringOrNull(6),
            reader.GetTimeOrNull(7));
}
