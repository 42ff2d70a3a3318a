using System.Globalization;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Protocol.Events;

namespace Roost.Storage.Sqlite;

internal sealed class SqliteConversationStore(SqliteStore store) : IConversationStore
{
    public Task<Outcome<ConversationView>> GetOrCreateDirectAsync(long accountId, long otherAccountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(context =>
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{Math.Min(accountId, otherAccountId)}:{Math.Max(accountId, otherAccountId)}");
            var find = context.Command("SELECT id FROM conversations WHERE direct_key = $key");
            find.Parameters.AddWithValue("$key", key);
            if (find.ExecuteScalar() is long existing)
            {
                return SqliteQueries.LoadView(context, existing, accountId)!;
            }

            var conversationId = InsertConversation(context, ConversationKinds.Direct, null, key, accountId, now);
            InsertMember(context, conversationId, accountId, MemberRoles.Member, 0, now);
            InsertMember(context, conversationId, otherAccountId, MemberRoles.Member, 0, now);
            EmitCreated(context, conversationId, ConversationKinds.Direct, null, accountId, now);
            return SqliteQueries.LoadView(context, conversationId, accountId)!;
        }, cancellationToken);

    public Task<Outcome<ConversationView>> CreateGroupAsync(long ownerId, string title, IReadOnlyList<long> memberIds, int maxMembers, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(context =>
        {
            if (ConversationRules.CheckCapacity(0, memberIds.Count + 1, maxMembers) is { } full)
            {
                return full;
            }

            var conversationId = InsertConversation(context, ConversationKinds.Group, title, null, ownerId, now);
            InsertMember(context, conversationId, ownerId, MemberRoles.Owner, 0, now);
            foreach (var memberId in memberIds)
            {
                InsertMember(context, conversationId, memberId, MemberRoles.Member, 0, now);
            }

            EmitCreated(context, conversationId, ConversationKinds.Group, title, ownerId, now);
            return SqliteQueries.LoadView(context, conversationId, ownerId)!;
        }, cancellationToken);

    public Task<Outcome<ConversationView>> AddMembersAsync(long conversationId, long actorId, IReadOnlyList<long> accountIds, int maxMembers, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(context =>
        {
            var (conversation, actor, error) = LoadGroupForChange(context, conversationId, actorId);
            if (error is not null)
            {
                return error;
            }

            if (ConversationRules.CanManageMembers(actor!) is { } denied)
            {
                return denied;
            }

            var current = SqliteQueries.LoadCurrentWindows(context, conversationId);
            var added = accountIds.Where(id => !current.Exists(m => m.AccountId == id)).ToList();
            if (ConversationRules.CheckCapacity(current.Count, added.Count, maxMembers) is { } full)
            {
                return full;
            }

            foreach (var accountId in added)
            {
                // A former member rejoins from now: the history of their absence stays hidden.
                InsertMember(context, conversationId, accountId, MemberRoles.Member, conversation!.LastSeq, now);
            }

            var audience = EventAudience.MembersAdded(current, added);
            foreach (var accountId in added)
            {
                var member = SqliteQueries.LoadMember(context, conversationId, accountId)!;
                context.Emit(new MemberAddedEvent(conversationId, member.ToResponse(), actorId, conversation!.LastSeq + 1), audience, now);
            }

            return SqliteQueries.LoadView(context, conversationId, actorId)!;
        }, cancellationToken);

    public Task<Outcome<Done>> RemoveMemberAsync(long conversationId, long actorId, long accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(context =>
        {
            var (conversation, actor, error) = LoadGroupForChange(context, conversationId, actorId);
            if (error is not null)
            {
                return error;
            }

            var target = SqliteQueries.LoadMember(context, conversationId, accountId);
            if (target is not { IsCurrent: true })
            {
                return RoostError.NotFound("That member");
            }

            var audience = EventAudience.CurrentMembers(SqliteQueries.LoadCurrentWindows(context, conversationId));
            if (ConversationRules.CanRemove(actor!, target, audience.Length) is { } denied)
            {
                return denied;
            }

            var leave = context.Command("UPDATE conversation_members SET left_seq = $seq WHERE conversation_id = $conversation AND account_id = $account");
            leave.Parameters.AddWithValue("$seq", conversation!.LastSeq);
            leave.Parameters.AddWithValue("$conversation", conversationId);
            leave.Parameters.AddWithValue("$account", accountId);
            leave.ExecuteNonQuery();
            context.Emit(new MemberRemovedEvent(conversationId, accountId, actorId, actorId == accountId ? "left" : "removed"), audience, now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<ConversationView>> RenameAsync(long conversationId, long actorId, string title, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(context =>
        {
            var (_, actor, error) = LoadGroupForChange(context, conversationId, actorId);
            if (error is not null)
            {
                return error;
            }

            if (ConversationRules.CanRename(actor!) is { } denied)
            {
                return denied;
            }

            var rename = context.Command("UPDATE conversations SET title = $title WHERE id = $id");
            rename.Parameters.AddWithValue("$title", title);
            rename.Parameters.AddWithValue("$id", conversationId);
            rename.ExecuteNonQuery();
            context.Emit(new ConversationRenamedEvent(conversationId, title, actorId), EventAudience.CurrentMembers(SqliteQueries.LoadCurrentWindows(context, conversationId)), now);
            return SqliteQueries.LoadView(context, conversationId, actorId)!;
        }, cancellationToken);

    public Task<Outcome<ConversationView>> SetRoleAsync(long conversationId, long actorId, long accountId, string role, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<ConversationView>>(context =>
        {
            var (_, actor, error) = LoadGroupForChange(context, conversationId, actorId);
            if (error is not null)
            {
                return error;
            }

            var target = SqliteQueries.LoadMember(context, conversationId, accountId);
            if (target is not { IsCurrent: true })
            {
                return RoostError.NotFound("That member");
            }

            if (ConversationRules.CanSetRole(actor!, target) is { } denied)
            {
                return denied;
            }

            var audience = EventAudience.CurrentMembers(SqliteQueries.LoadCurrentWindows(context, conversationId));
            foreach (var (changedId, changedRole) in ConversationRules.RoleChanges(actor!, target, role))
            {
                SetRole(context, conversationId, changedId, changedRole);
                context.Emit(new MemberRoleChangedEvent(conversationId, changedId, changedRole, actorId), audience, now);
            }

            return SqliteQueries.LoadView(context, conversationId, actorId)!;
        }, cancellationToken);

    public Task<ConversationView?> GetAsync(long conversationId, long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => SqliteQueries.LoadView(session, conversationId, accountId), cancellationToken);

    public Task<ConversationPage> ListAsync(long accountId, long afterId, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            // Read the head first: a client that syncs from it replays anything that changes after this snapshot.
            var head = SqliteQueries.HeadCursor(session);
            var command = session.Command("""
                SELECT conversation_id FROM conversation_members
                WHERE account_id = $account AND left_seq IS NULL AND conversation_id > $after
                ORDER BY conversation_id LIMIT $limit
                """);
            command.Parameters.AddWithValue("$account", accountId);
            command.Parameters.AddWithValue("$after", afterId);
            command.Parameters.AddWithValue("$limit", limit + 1);
            var ids = command.ReadAll(reader => reader.GetInt64(0));

            var more = ids.Count > limit;
            var views = ids.Take(limit).Select(id => SqliteQueries.LoadView(session, id, accountId)!).ToList();
            return new ConversationPage(views, more ? views[^1].Conversation.Id : null, head);
        }, cancellationToken);

    public Task<IReadOnlyList<long>> GetContactsAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<long>>(session =>
        {
            var command = session.Command("""
                SELECT DISTINCT other.account_id
                FROM conversation_members mine JOIN conversation_members other ON other.conversation_id = mine.conversation_id
                WHERE mine.account_id = $account AND mine.left_seq IS NULL AND other.left_seq IS NULL AND other.account_id <> $account
                """);
            command.Parameters.AddWithValue("$account", accountId);
            var ids = command.ReadAll(reader => reader.GetInt64(0));

            return ids;
        }, cancellationToken);

    public Task<IReadOnlyList<long>> GetContactsAmongAsync(long accountId, IReadOnlyList<long> candidateIds, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<long>>(session =>
        {
            // One indexed probe per candidate that stops at the first shared conversation.
            var command = session.Command("""
                SELECT EXISTS (
                    SELECT 1 FROM conversation_members other
                    JOIN conversation_members mine ON mine.conversation_id = other.conversation_id AND mine.account_id = $account
                    WHERE other.account_id = $other AND other.left_seq IS NULL AND mine.left_seq IS NULL)
                """);
            command.Parameters.AddWithValue("$account", accountId);
            var other = command.Parameters.Add("$other", Microsoft.Data.Sqlite.SqliteType.Integer);
            var contacts = new List<long>(candidateIds.Count);
            foreach (var candidateId in candidateIds)
            {
                if (candidateId == accountId)
                {
                    continue;
                }

                other.Value = candidateId;
                if ((long)command.ExecuteScalar()! != 0)
                {
                    contacts.Add(candidateId);
                }
            }

            return contacts;
        }, cancellationToken);

    public Task<IReadOnlyList<long>?> GetMemberIdsIfMemberAsync(long conversationId, long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<IReadOnlyList<long>?>(session =>
        {
            var ids = SqliteQueries.LoadCurrentMemberIds(session, conversationId);
            return ids.Contains(accountId) ? ids : null;
        }, cancellationToken);

    private static (Conversation? Conversation, Member? Actor, RoostError? Error) LoadGroupForChange(SqliteWriteContext context, long conversationId, long actorId)
    {
        var actor = SqliteQueries.LoadMember(context, conversationId, actorId);
        var conversation = actor is { IsCurrent: true } ? SqliteQueries.LoadConversation(context, conversationId) : null;
        if (conversation is null)
        {
            return (null, null, ConversationRules.NotAMember());
        }

        return conversation.Kind != ConversationKinds.Group ? (null, null, ConversationRules.NotAGroup()) : (conversation, actor, null);
    }

    private static long InsertConversation(SqliteWriteContext context, string kind, string? title, string? directKey, long createdBy, DateTimeOffset now)
    {
        var insert = context.Command("""
            INSERT INTO conversations (kind, title, direct_key, created_by, created_at) VALUES ($kind, $title, $key, $by, $at) RETURNING id
            """);
        insert.Parameters.AddWithValue("$kind", kind);
        insert.Parameters.AddWithValue("$title", (object?)title ?? DBNull.Value);
        insert.Parameters.AddWithValue("$key", (object?)directKey ?? DBNull.Value);
        insert.Parameters.AddWithValue("$by", createdBy);
        insert.Parameters.AddWithValue("$at", SqliteTime.ToColumn(now));
        return (long)insert.ExecuteScalar()!;
    }

    private static void InsertMember(SqliteWriteContext context, long conversationId, long accountId, string role, long joinedSeq, DateTimeOffset now)
    {
        var insert = context.Command("""
            INSERT INTO conversation_members (conversation_id, account_id, role, joined_seq, left_seq, read_seq, delivered_seq, joined_at)
            VALUES ($conversation, $account, $role, $joined, NULL, $joined, $joined, $at)
            ON CONFLICT (conversation_id, account_id) DO UPDATE SET
                role = excluded.role, joined_seq = excluded.joined_seq, left_seq = NULL,
                read_seq = excluded.read_seq, delivered_seq = excluded.delivered_seq, joined_at = excluded.joined_at
            """);
        insert.Parameters.AddWithValue("$conversation", conversationId);
        insert.Parameters.AddWithValue("$account", accountId);
        insert.Parameters.AddWithValue("$role", role);
        insert.Parameters.AddWithValue("$joined", joinedSeq);
        insert.Parameters.AddWithValue("$at", SqliteTime.ToColumn(now));
        insert.ExecuteNonQuery();
    }

    private static void SetRole(SqliteWriteContext context, long conversationId, long accountId, string role)
    {
        var update = context.Command("UPDATE conversation_members SET role = $role WHERE conversation_id = $conversation AND account_id = $account");
        update.Parameters.AddWithValue("$role", role);
        update.Parameters.AddWithValue("$conversation", conversationId);
        update.Parameters.AddWithValue("$account", accountId);
        update.ExecuteNonQuery();
    }

    private static void EmitCreated(SqliteWriteContext context, long conversationId, string kind, string? title, long createdBy, DateTimeOffset now)
    {
        var members = SqliteQueries.LoadCurrentMembers(context, conversationId);
        context.Emit(
            new ConversationCreatedEvent(conversationId, kind, title, members.Select(m => m.ToResponse()).ToList(), createdBy),
            EventAudience.CurrentMembers(members.Select(MemberWindow.Of)),
            now);
    }

}
