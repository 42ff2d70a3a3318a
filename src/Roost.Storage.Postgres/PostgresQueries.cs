using Npgsql;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Messaging;

namespace Roost.Storage.Postgres;

/// <summary>Reads shared by the writer (inside its transaction) and the readers (inside a snapshot).</summary>
internal static class PostgresQueries
{
    private const string MemberColumns = """
        m.conversation_id, m.account_id, a.username, a.display_name, m.role, m.joined_seq, m.left_seq, m.read_seq, m.delivered_seq, m.joined_at
        """;

    private const string MessageColumns = "seq, sender_id, client_id, body, reply_to, sent_at, edited_at, deleted_at, attachments";

    /// <param name="forUpdate">Inside a write: lock the row, so concurrent changes to one conversation (a send, a join) take turns.</param>
    public static Task<Conversation?> LoadConversationAsync(PostgresSession session, long conversationId, bool forUpdate = false) =>
        session.Command("SELECT id, kind, title, created_by, created_at, last_seq FROM conversations WHERE id = @id" + (forUpdate ? " FOR UPDATE" : ""))
            .With("id", conversationId)
            .ReadFirstAsync(reader => new Conversation(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetStringOrNull(2),
                reader.GetInt64(3),
                reader.GetTime(4),
                reader.GetInt64(5)));

    public static Task<Member?> LoadMemberAsync(PostgresSession session, long conversationId, long accountId) =>
        session.Command($"""
            SELECT {MemberColumns}
            FROM conversation_members m JOIN accounts a ON a.id = m.account_id
            WHERE m.conversation_id = @conversation AND m.account_id = @account
            """)
            .With("conversation", conversationId)
            .With("account", accountId)
            .ReadFirstAsync(ReadMember);

    public static Task<List<Member>> LoadCurrentMembersAsync(PostgresSession session, long conversationId) =>
        session.Command($"""
            SELECT {MemberColumns}
            FROM conversation_members m JOIN accounts a ON a.id = m.account_id
            WHERE m.conversation_id = @conversation AND m.left_seq IS NULL
            ORDER BY m.joined_at, m.account_id
            """)
            .With("conversation", conversationId)
            .ReadAllAsync(ReadMember);

    public static Task<List<long>> LoadCurrentMemberIdsAsync(PostgresSession session, long conversationId) =>
        session.Command("SELECT account_id FROM conversation_members WHERE conversation_id = @conversation AND left_seq IS NULL")
            .With("conversation", conversationId)
            .ReadAllAsync(reader => reader.GetInt64(0));

    /// <summary>The current members' windows, for the audience rules (<see cref="EventAudience"/>).</summary>
    public static Task<List<MemberWindow>> LoadCurrentWindowsAsync(PostgresSession session, long conversationId) =>
        session.Command("SELECT account_id, joined_seq FROM conversation_members WHERE conversation_id = @conversation AND left_seq IS NULL")
            .With("conversation", conversationId)
            .ReadAllAsync(reader => new MemberWindow(reader.GetInt64(0), reader.GetInt64(1), null));

    /// <summary>The conversation as <paramref name="accountId"/> sees it, or null when they never were a member.</summary>
    public static async Task<ConversationView?> LoadViewAsync(PostgresSession session, long conversationId, long accountId)
    {
        var me = await LoadMemberAsync(session, conversationId, accountId);
        var conversation = me is null ? null : await LoadConversationAsync(session, conversationId);
        if (me is null || conversation is null)
        {
            return null;
        }

        var visibleTo = me.LeftSeq ?? conversation.LastSeq;
        var unread = (long)(await session.Command("""
            SELECT COUNT(*) FROM messages
            WHERE conversation_id = @conversation AND seq > @from AND seq <= @to AND sender_id <> @me AND deleted_at IS NULL
            """)
            .With("conversation", conversationId)
            .With("from", Math.Max(me.ReadSeq, me.JoinedSeq))
            .With("to", visibleTo)
            .With("me", accountId)
            .ScalarAsync())!;

        var last = await LoadMessagesAsync(session, conversationId, me.JoinedSeq, visibleTo, descending: true, limit: 1);
        var members = me.IsCurrent ? await LoadCurrentMembersAsync(session, conversationId) : [];
        return new ConversationView(conversation, me, members, unread, last.Count > 0 ? last[0] : null);
    }

    /// <summary>Messages with <paramref name="afterSeq"/> &lt; seq &lt;= <paramref name="throughSeq"/>, with their reactions, returned ascending.</summary>
    public static async Task<List<Message>> LoadMessagesAsync(PostgresSession session, long conversationId, long afterSeq, long throughSeq, bool descending, int limit)
    {
        var rows = await session.Command($"""
            SELECT {MessageColumns} FROM messages
            WHERE conversation_id = @conversation AND seq > @after AND seq <= @through
            ORDER BY seq {(descending ? "DESC" : "ASC")} LIMIT @limit
            """)
            .With("conversation", conversationId)
            .With("after", afterSeq)
            .With("through", throughSeq)
            .With("limit", limit)
            .ReadAllAsync(reader => new Message(
                conversationId,
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetStringOrNull(3),
                reader.GetInt64OrNull(4),
                reader.GetTime(5),
                reader.GetTimeOrNull(6),
                reader.GetTimeOrNull(7),
                [],
                Core.Media.AttachmentJson.Read(reader.GetStringOrNull(8))));
        if (rows.Count == 0)
        {
            return rows;
        }

        if (descending)
        {
            rows.Reverse();
        }

        var reactions = await LoadReactionsAsync(session, conversationId, rows[0].Seq, rows[^1].Seq);
        return reactions.Count == 0 ? rows : [.. rows.Select(m => reactions.TryGetValue(m.Seq, out var list) ? m with { Reactions = list } : m)];
    }

    /// <summary>The newest cursor. Never below the compaction horizon, even when compaction removed every event.</summary>
    public static async Task<long> HeadCursorAsync(PostgresSession session) =>
        (long)(await session.Command("SELECT GREATEST(COALESCE((SELECT MAX(id) FROM events), 0), (SELECT horizon FROM event_log))").ScalarAsync())!;

    private static async Task<Dictionary<long, List<Reaction>>> LoadReactionsAsync(PostgresSession session, long conversationId, long fromSeq, long toSeq)
    {
        var rows = await session.Command("""
            SELECT seq, account_id, emoji FROM reactions
            WHERE conversation_id = @conversation AND seq BETWEEN @from AND @to
            ORDER BY seq, reacted_at, account_id
            """)
            .With("conversation", conversationId)
            .With("from", fromSeq)
            .With("to", toSeq)
            .ReadAllAsync(reader => (Seq: reader.GetInt64(0), Reaction: new Reaction(reader.GetInt64(1), reader.GetString(2))));
        return rows.GroupBy(r => r.Seq).ToDictionary(g => g.Key, g => g.Select(r => r.Reaction).ToList());
    }

    private static Member ReadMember(NpgsqlDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetInt64(5),
            reader.GetInt64OrNull(6),
            reader.GetInt64(7),
            reader.GetInt64(8),
            reader.GetTime(9));
}
