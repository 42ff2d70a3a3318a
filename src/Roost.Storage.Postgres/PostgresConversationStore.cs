using System.Globalization;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Protocol.Events;

namespace Roost.Storage.Postgres;

internal sealed class PostgresConversationStore(PostgresStore store) : IConversationStore
{
    public Task<Outcome<ConversationView>> GetOrCreateDirectAsync(long accountId, long otherAccountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(async context =>
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{Math.Min(accountId, otherAccountId)}:{Math.Max(accountId, otherAccountId)}");
            if (await context.Command("SELECT id FROM conversations WHERE direct_key = @key").With("key", key).ScalarAsync() is long existing)
            {
                return (await PostgresQueries.LoadViewAsync(context, existing, accountId))!;
            }

            var conversationId = await InsertConversationAsync(context, ConversationKinds.Direct, null, key, accountId, now);
            await InsertMemberAsync(context, conversationId, accountId, MemberRoles.Member, 0, now);
            await InsertMemberAsync(context, conversationId, otherAccountId, MemberRoles.Member, 0, now);
            await EmitCreatedAsync(context, conversationId, ConversationKinds.Direct, null, accountId, now);
            return (await PostgresQueries.LoadViewAsync(context, conversationId, accountId))!;
        }, cancellationToken);

    public Task<Outcome<ConversationView>> CreateGroupAsync(long ownerId, string title, IReadOnlyList<long> memberIds, int maxMembers, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(async context =>
        {
            if (ConversationRules.CheckCapacity(0, memberIds.Count + 1, maxMembers) is { } full)
            {
                return full;
            }

            var conversationId = await InsertConversationAsync(context, ConversationKinds.Group, title, null, ownerId, now);
            await InsertMemberAsync(context, conversationId, ownerId, MemberRoles.Owner, 0, now);
            foreach (var memberId in memberIds)
            {
                await InsertMemberAsync(context, conversationId, memberId, MemberRoles.Member, 0, now);
            }

            await EmitCreatedAsync(context, conversationId, ConversationKinds.Group, title, ownerId, now);
            return (await PostgresQueries.LoadViewAsync(context, conversationId, ownerId))!;
        }, cancellationToken);

    public Task<Outcome<ConversationView>> AddMembersAsync(long conversationId, long actorId, IReadOnlyList<long> accountIds, int maxMembers, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(async context =>
        {
            var (conversation, actor, error) = await LoadGroupForChangeAsync(context, conversationId, actorId);
            if ((error ?? ConversationRules.CanManageMembers(actor!)) is { } denied)
            {
                return denied;
            }

            var current = await PostgresQueries.LoadCurrentWindowsAsync(context, conversationId);
            var added = accountIds.Where(id => !current.Exists(m => m.AccountId == id)).ToList();
            if (ConversationRules.CheckCapacity(current.Count, added.Count, maxMembers) is { } full)
            {
                return full;
            }

            foreach (var accountId in added)
            {
                // A former member rejoins from now: the history of their absence stays hidden.
                await InsertMemberAsync(context, conversationId, accountId, MemberRoles.Member, conversation!.LastSeq, now);
            }

            var audience = EventAudience.MembersAdded(current, added);
            foreach (var accountId in added)
            {
                var member = (await PostgresQueries.LoadMemberAsync(context, conversationId, accountId))!;
                await context.EmitAsync(new MemberAddedEvent(conversationId, member.ToResponse(), actorId, conversation!.LastSeq + 1), audience, now);
            }

            return (await PostgresQueries.LoadViewAsync(context, conversationId, actorId))!;
        }, cancellationToken);

    public Task<Outcome<Done>> RemoveMemberAsync(long conversationId, long actorId, long accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(async context =>
        {
            var (conversation, actor, error) = await LoadGroupForChangeAsync(context, conversationId, actorId);
            if (error is not null)
            {
                return error;
            }

            var target = await PostgresQueries.LoadMemberAsync(context, conversationId, accountId);
            if (target is not { IsCurrent: true })
            {
                return RoostError.NotFound("That member");
            }

            var audience = EventAudience.CurrentMembers(await PostgresQueries.LoadCurrentWindowsAsync(context, conversationId));
            if (ConversationRules.CanRemove(actor!, target, audience.Length) is { } denied)
            {
                return denied;
            }

            await context.Command("UPDATE conversation_members SET left_seq = @seq WHERE conversation_id = @conversation AND account_id = @account")
                .With("seq", conversation!.LastSeq)
                .With("conversation", conversationId)
                .With("account", accountId)
                .RunAsync();
            await context.EmitAsync(new MemberRemovedEvent(conversationId, accountId, actorId, actorId == accountId ? "left" : "removed"), audience, now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<ConversationView>> RenameAsync(long conversationId, long actorId, string title, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(async context =>
        {
            var (_, actor, error) = await LoadGroupForChangeAsync(context, conversationId, actorId);
            if ((error ?? ConversationRules.CanRename(actor!)) is { } denied)
            {
                return denied;
            }

            await context.Command("UPDATE conversations SET title = @title WHERE id = @id").With("title", title).With("id", conversationId).RunAsync();
            var audience = EventAudience.CurrentMembers(await PostgresQueries.LoadCurrentWindowsAsync(context, conversationId));
            await context.EmitAsync(new ConversationRenamedEvent(conversationId, title, actorId), audience, now);
            return (await PostgresQueries.LoadViewAsync(context, conversationId, actorId))!;
        }, cancellationToken);

    public Task<Outcome<ConversationView>> SetRoleAsync(long conversationId, long actorId, long accountId, string role, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(async context =>
        {
            var (_, actor, error) = await LoadGroupForChangeAsync(context, conversationId, actorId);
            if (error is not null)
            {
                return error;
            }

            var target = await PostgresQueries.LoadMemberAsync(context, conversationId, accountId);
            if (target is not { IsCurrent: true })
            {
                return RoostError.NotFound("That member");
            }

            if (ConversationRules.CanSetRole(actor!, target) is { } denied)
            {
                return denied;
            }

            var audience = EventAudience.CurrentMembers(await PostgresQueries.LoadCurrentWindowsAsync(context, conversationId));
            foreach (var (changedId, changedRole) in ConversationRules.RoleChanges(actor!, target, role))
            {
                await context.Command("UPDATE conversation_members SET role = @role WHERE conversation_id = @conversation AND account_id = @account")
                    .With("role", changedRole)
                    .With("conversation", conversationId)
                    .With("account", changedId)
                    .RunAsync();
                await context.EmitAsync(new MemberRoleChangedEvent(conversationId, changedId, changedRole, actorId), audience, now);
            }

            return (await PostgresQueries.LoadViewAsync(context, conversationId, actorId))!;
        }, cancellationToken);

    public Task<ConversationView?> GetAsync(long conversationId, long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => PostgresQueries.LoadViewAsync(session, conversationId, accountId), cancellationToken);

    public Task<ConversationPage> ListAsync(long accountId, long afterId, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session =>
        {
            // Read the head first: a client that syncs from it replays anything that changes after this snapshot.
            var head = await PostgresQueries.HeadCursorAsync(session);
            var ids = await session.Command("""
                    SELECT conversation_id FROM conversation_members
                    WHERE account_id = @account AND left_seq IS NULL AND conversation_id > @after
                    ORDER BY conversation_id LIMIT @limit
                    """)
                .With("account", accountId)
                .With("after", afterId)
                .With("limit", limit + 1)
                .ReadAllAsync(reader => reader.GetInt64(0));

            var more = ids.Count > limit;
            var views = new List<ConversationView>(Math.Min(ids.Count, limit));
            foreach (var id in ids.Take(limit))
            {
                views.Add((await PostgresQueries.LoadViewAsync(session, id, accountId))!);
            }

            return new ConversationPage(views, more ? views[^1].Conversation.Id : null, head);
        }, cancellationToken);

    public Task<IReadOnlyList<long>> GetContactsAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<long>>(async session => await session.Command("""
                SELECT DISTINCT other.account_id
                FROM conversation_members mine JOIN conversation_members other ON other.conversation_id = mine.conversation_id
                WHERE mine.account_id = @account AND mine.left_seq IS NULL AND other.left_seq IS NULL AND other.account_id <> @account
                """)
            .With("account", accountId)
            .ReadAllAsync(reader => reader.GetInt64(0)), cancellationToken);

    public Task<IReadOnlyList<long>> GetContactsAmongAsync(long accountId, IReadOnlyList<long> candidateIds, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<long>>(async session => await session.Command("""
                SELECT candidate.id
                FROM unnest(@candidates) WITH ORDINALITY AS candidate (id, position)
                WHERE candidate.id <> @account AND EXISTS (
                    SELECT 1 FROM conversation_members other
                    JOIN conversation_members mine ON mine.conversation_id = other.conversation_id AND mine.account_id = @account
                    WHERE other.account_id = candidate.id AND other.left_seq IS NULL AND mine.left_seq IS NULL)
                ORDER BY candidate.position
                """)
            .With("account", accountId)
            .With("candidates", candidateIds.ToArray())
            .ReadAllAsync(reader => reader.GetInt64(0)), cancellationToken);

    public Task<IReadOnlyList<long>?> GetMemberIdsIfMemberAsync(long conversationId, long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<long>?>(async session =>
        {
            var ids = await PostgresQueries.LoadCurrentMemberIdsAsync(session, conversationId);
            return ids.Contains(accountId) ? ids : null;
        }, cancellationToken);

    private static async Task<(Conversation? Conversation, Member? Actor, RoostError? Error)> LoadGroupForChangeAsync(PostgresWriteContext context, long conversationId, long actorId)
    {
        var actor = await PostgresQueries.LoadMemberAsync(context, conversationId, actorId);
        var conversation = actor is { IsCurrent: true } ? await PostgresQueries.LoadConversationAsync(context, conversationId) : null;
        if (conversation is null)
        {
            return (null, null, ConversationRules.NotAMember());
        }

        return conversation.Kind != ConversationKinds.Group ? (null, null, ConversationRules.NotAGroup()) : (conversation, actor, null);
    }

    private static async Task<long> InsertConversationAsync(PostgresWriteContext context, string kind, string? title, string? directKey, long createdBy, DateTimeOffset now) =>
        (long)(await context.Command("INSERT INTO conversations (kind, title, direct_key, created_by, created_at) VALUES (@kind, @title, @key, @by, @at) RETURNING id")
            .With("kind", kind)
            .With("title", title)
            .With("key", directKey)
            .With("by", createdBy)
            .With("at", now)
            .ScalarAsync())!;

    private static Task<int> InsertMemberAsync(PostgresWriteContext context, long conversationId, long accountId, string role, long joinedSeq, DateTimeOffset now) =>
        context.Command("""
                INSERT INTO conversation_members (conversation_id, account_id, role, joined_seq, left_seq, read_seq, delivered_seq, joined_at)
                VALUES (@conversation, @account, @role, @joined, NULL, @joined, @joined, @at)
                ON CONFLICT (conversation_id, account_id) DO UPDATE SET
                    role = excluded.role, joined_seq = excluded.joined_seq, left_seq = NULL,
                    read_seq = excluded.read_seq, delivered_seq = excluded.delivered_seq, joined_at = excluded.joined_at
                """)
            .With("conversation", conversationId)
            .With("account", accountId)
            .With("role", role)
            .With("joined", joinedSeq)
            .With("at", now)
            .RunAsync();

    private static async Task EmitCreatedAsync(PostgresWriteContext context, long conversationId, string kind, string? title, long createdBy, DateTimeOffset now)
    {
        var members = await PostgresQueries.LoadCurrentMembersAsync(context, conversationId);
        await context.EmitAsync(
            new ConversationCreatedEvent(conversationId, kind, title, [.. members.Select(m => m.ToResponse())], createdBy),
            EventAudience.CurrentMembers(members.Select(MemberWindow.Of)),
            now);
    }
}
