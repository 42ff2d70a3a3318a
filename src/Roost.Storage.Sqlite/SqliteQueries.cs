using Microsoft.Data.Sqlite;
using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Messaging;

namespace Roost.Storage.Sqlite;

/// <summary>Reads shared by the writer (inside its transaction) and the readers (inside a snapshot).</summary>
internal static class SqliteQueries
{
    private const string MemberColumns = """
        m.conversation_id, m.account_id, a.username, a.display_name, m.role, m.joined_seq, m.left_seq, m.read_seq, m.delivered_seq, m.joined_at
        """;

    private const string MessageColumns = "conversation_id, seq, sender_id, client_id, body, reply_to, sent_at, edited_at, deleted_at, attachments";

    public static Conversation? LoadConversation(ISqliteSession session, long conversationId)
    {
        var command = session.Command("SELECT id, kind, title, created_by, created_at, last_seq FROM conversations WHERE id = $id");
        command.Parameters.AddWithValue("$id", conversationId);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new Conversation(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3),
                SqliteTime.FromColumn(reader.GetInt64(4)),
                reader.GetInt64(5))
            : null;
    }

    public static Member? LoadMember(ISqliteSession session, long conversationId, long accountId)
    {
        var command = session.Command($"""
            SELECT {MemberColumns}
            FROM conversation_members m JOIN accounts a ON a.id = m.account_id
            WHERE m.conversation_id = $conversation AND m.account_id = $account
            """);
        command.Parameters.AddWithValue("$conversation", conversationId);
        command.Parameters.AddWithValue("$account", accountId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadMember(reader) : null;
    }

    public static List<Member> LoadCurrentMembers(ISqliteSession session, long conversationId)
    {
        var command = session.Command($"""
            SELECT {MemberColumns}
            FROM conversation_members m JOIN accounts a ON a.id = m.account_id
            WHERE m.conversation_id = $conversation AND m.left_seq IS NULL
            ORDER BY m.joined_at, m.account_id
            """);
        command.Parameters.AddWithValue("$conversation", conversationId);
        var members = command.ReadAll(reader => ReadMember(reader));

        return members;
    }

    public static List<long> LoadCurrentMemberIds(ISqliteSession session, long conversationId)
    {
        var command = session.Command("SELECT account_id FROM conversation_members WHERE conversation_id = $conversation AND left_seq IS NULL");
        command.Parameters.AddWithValue("$conversation", conversationId);
        return command.ReadAll(reader => reader.GetInt64(0));
    }

    /// <summary>The current members' windows, for the audience rules (<see cref="Roost.Core.Delivery.EventAudience"/>).</summary>
    public static List<MemberWindow> LoadCurrentWindows(ISqliteSession session, long conversationId)
    {
        var command = session.Command("SELECT account_id, joined_seq FROM conversation_members WHERE conversation_id = $conversation AND left_seq IS NULL");
        command.Parameters.AddWithValue("$conversation", conversationId);
        return command.ReadAll(reader => new MemberWindow(reader.GetInt64(0), reader.GetInt64(1), null));
    }

    /// <summary>The conversation as <paramref name="accountId"/> sees it, or null when they never were a member.</summary>
    public static ConversationView? LoadView(ISqliteSession session, long conversationId, long accountId)
    {
        var me = LoadMember(session, conversationId, accountId);
        var conversation = me is null ? null : LoadConversation(session, conversationId);
        if (me is null || conversation is null)
        {
            return null;
        }

        var visibleTo = me.LeftSeq ?? conversation.LastSeq;
        var unread = session.Command("""
            SELECT COUNT(*) FROM messages
            WHERE conversation_id = $conversation AND seq > $from AND seq <= $to AND sender_id <> $me AND deleted_at IS NULL
            """);
        unread.Parameters.AddWithValue("$conversation", conversationId);
        unread.Parameters.AddWithValue("$from", Math.Max(me.ReadSeq, me.JoinedSeq));
        unread.Parameters.AddWithValue("$to", visibleTo);
        unread.Parameters.AddWithValue("$me", accountId);
        var unreadCount = (long)unread.ExecuteScalar()!;

        var last = LoadMessages(session, conversationId, me.JoinedSeq, visibleTo, descending: true, limit: 1);
        var members = me.IsCurrent ? LoadCurrentMembers(session, conversationId) : [];
        return new ConversationView(conversation, me, members, unreadCount, last.Count > 0 ? last[0] : null);
    }

    /// <summary>Messages with <paramref name="afterSeq"/> &lt; seq &lt;= <paramref name="throughSeq"/>, with their reactions, returned ascending.</summary>
    public static List<Message> LoadMessages(ISqliteSession session, long conversationId, long afterSeq, long throughSeq, bool descending, int limit)
    {
        var command = session.Command($"""
            SELECT {MessageColumns} FROM messages
            WHERE conversation_id = $conversation AND seq > $after AND seq <= $through
            ORDER BY seq {(descending ? "DESC" : "ASC")} LIMIT $limit
            """);
        command.Parameters.AddWithValue("$conversation", conversationId);
        command.Parameters.AddWithValue("$after", afterSeq);
        command.Parameters.AddWithValue("$through", throughSeq);
        command.Parameters.AddWithValue("$limit", limit);
        var rows = new List<(long Seq, long Sender, string ClientId, string? Body, long? ReplyTo, long SentAt, long? EditedAt, long? DeletedAt, string? Attachments)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetInt64(5),
                    reader.GetInt64(6),
                    reader.IsDBNull(7) ? null : reader.GetInt64(7),
                    reader.IsDBNull(8) ? null : reader.GetInt64(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9)));
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        if (descending)
        {
            rows.Reverse();
        }

        var reactions = LoadReactions(session, conversationId, rows[0].Seq, rows[^1].Seq);
        return rows.Select(r => new Message(
            conversationId,
            r.Seq,
            r.Sender,
            r.ClientId,
            r.Body,
            r.ReplyTo,
            SqliteTime.FromColumn(r.SentAt),
            r.EditedAt is { } edited ? SqliteTime.FromColumn(edited) : null,
            r.DeletedAt is { } deleted ? SqliteTime.FromColumn(deleted) : null,
            reactions.TryGetValue(r.Seq, out var list) ? list : [],
            Core.Media.AttachmentJson.Read(r.Attachments))).ToList();
    }

    /// <summary>The newest cursor. Never below the compaction horizon, even when compaction removed every event.</summary>
    public static long HeadCursor(ISqliteSession session) =>
        (long)session.Command("SELECT MAX(COALESCE((SELECT MAX(id) FROM events), 0), (SELECT horizon FROM event_log))").ExecuteScalar()!;

    private static Dictionary<long, List<Reaction>> LoadReactions(ISqliteSession session, long conversationId, long fromSeq, long toSeq)
    {
        var command = session.Command("""
            SELECT seq, account_id, emoji FROM reactions
            WHERE conversation_id = $conversation AND seq BETWEEN $from AND $to
            ORDER BY seq, reacted_at, account_id
            """);
        command.Parameters.AddWithValue("$conversation", conversationId);
        command.Parameters.AddWithValue("$from", fromSeq);
        command.Parameters.AddWithValue("$to", toSeq);
        using var reader = command.ExecuteReader();
        var reactions = new Dictionary<long, List<Reaction>>();
        while (reader.Read())
        {
            var seq = reader.GetInt64(0);
            if (!reactions.TryGetValue(seq, out var list))
            {
                list = [];
                reactions[seq] = list;
            }

            list.Add(new Reaction(reader.GetInt64(1), reader.GetString(2)));
        }

        return reactions;
    }

    private static Member ReadMember(SqliteDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetInt64(5),
            reader.IsDBNull(6) ? null : reader.GetInt64(6),
            reader.GetInt64(7),
            reader.GetInt64(8),
            SqliteTime.FromColumn(reader.GetInt64(9)));
}
