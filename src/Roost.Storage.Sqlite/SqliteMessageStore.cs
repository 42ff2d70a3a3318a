using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Core.Messaging;
using Roost.Core.Push;
using Roost.Protocol.Events;

namespace Roost.Storage.Sqlite;

internal sealed class SqliteMessageStore(SqliteStore store) : IMessageStore
{
    public Task<Outcome<SendResult>> AppendAsync(NewMessage message, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<SendResult>>(context =>
        {
            // Exactly-once: a (sender, client id) seen before answers with the first send's ack.
            var seen = context.Command("SELECT conversation_id, seq, sent_at, body, reply_to, edited_at FROM messages WHERE sender_id = $sender AND client_id = $clientId");
            seen.Parameters.AddWithValue("$sender", message.SenderId);
            seen.Parameters.AddWithValue("$clientId", message.ClientId);
            using (var reader = seen.ExecuteReader())
            {
                if (reader.Read())
                {
                    var first = new FirstSend(
                        reader.GetInt64(0),
                        reader.GetInt64(1),
                        SqliteTime.FromColumn(reader.GetInt64(2)),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetInt64(4),
                        Changed: !reader.IsDBNull(5) || reader.IsDBNull(3));
                    return MessageRules.AnswerRepeatedSend(first, message);
                }
            }

            // One query answers both "may the sender post?" and "who receives it?" (the hot path: no join, no second lookup).
            var membership = context.Command("""
                SELECT account_id, joined_seq, left_seq FROM conversation_members
                WHERE conversation_id = $conversation AND (left_seq IS NULL OR account_id = $sender)
                """);
            membership.Parameters.AddWithValue("$conversation", message.ConversationId);
            membership.Parameters.AddWithValue("$sender", message.SenderId);
            var members = membership.ReadAll(reader => new MemberWindow(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)));
            var sender = members.Find(m => m.AccountId == message.SenderId);
            if (!sender.IsCurrent || sender.AccountId != message.SenderId)
            {
                return ConversationRules.NotAMember();
            }

            var joinedSeq = sender.JoinedSeq;

            if (message.ReplyTo is { } replyTo
                && MessageChangeRules.CheckReplyTo(replyTo, joinedSeq, MessageExists(context, message.ConversationId, replyTo)) is { } badReply)
            {
                return badReply;
            }

            IReadOnlyList<Core.Media.Attachment>? attachments = null;
            if (message.MediaIds is { Count: > 0 } mediaIds)
            {
                var loaded = SqliteMediaRefs.Load(context, mediaIds, message.SenderId);
                if (!loaded.IsSuccess)
                {
                    return loaded.Error!;
                }

                attachments = loaded.Value;
            }

            var next = context.Command("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $id RETURNING last_seq, kind");
            next.Parameters.AddWithValue("$id", message.ConversationId);
            long seq;
            string kind;
            using (var reader = next.ExecuteReader())
            {
                reader.Read();
                seq = reader.GetInt64(0);
                kind = reader.GetString(1);
            }

            var insert = context.Command("""
                INSERT INTO messages (conversation_id, seq, sender_id, client_id, body, reply_to, sent_at, attachments)
                VALUES ($conversation, $seq, $sender, $clientId, $body, $replyTo, $sentAt, $attachments)
                """);
            insert.Parameters.AddWithValue("$conversation", message.ConversationId);
            insert.Parameters.AddWithValue("$seq", seq);
            insert.Parameters.AddWithValue("$sender", message.SenderId);
            insert.Parameters.AddWithValue("$clientId", message.ClientId);
            insert.Parameters.AddWithValue("$body", message.Body);
            insert.Parameters.AddWithValue("$replyTo", (object?)message.ReplyTo ?? DBNull.Value);
            insert.Parameters.AddWithValue("$sentAt", SqliteTime.ToColumn(message.Now));
            insert.Parameters.AddWithValue("$attachments", (object?)Core.Media.AttachmentJson.Write(attachments) ?? DBNull.Value);
            insert.ExecuteNonQuery();
            if (attachments is not null)
            {
                SqliteMediaRefs.Attach(context, attachments, message.ConversationId, seq);
            }

            var created = new Message(message.ConversationId, seq, message.SenderId, message.ClientId, message.Body, message.ReplyTo, message.Now, null, null, [], attachments);
            var recipients = EventAudience.CurrentMembers(members);
            var cursor = context.Emit(new MessageCreatedEvent(created.ToResponse(), kind), recipients, message.Now);
            context.QueuePushes(PushAudience.For(recipients, message.SenderId), message.ConversationId, seq, cursor, message.Now, store.ConnectedDevices);
            return new SendResult(message.ConversationId, seq, message.ClientId, message.Now, Duplicate: false);
        }, cancellationToken);

    public Task<Outcome<Done>> EditAsync(long conversationId, long seq, long accountId, string body, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(context =>
        {
            var (me, target, error) = LoadTarget(context, conversationId, seq, accountId);
            if ((error ?? MessageChangeRules.CanEdit(me!, target!)) is { } refused)
            {
                return refused;
            }

            var update = context.Command("UPDATE messages SET body = $body, edited_at = $at WHERE conversation_id = $conversation AND seq = $seq");
            update.Parameters.AddWithValue("$body", body);
            update.Parameters.AddWithValue("$at", SqliteTime.ToColumn(now));
            update.Parameters.AddWithValue("$conversation", conversationId);
            update.Parameters.AddWithValue("$seq", seq);
            update.ExecuteNonQuery();
            context.Emit(new MessageEditedEvent(conversationId, seq, body, now), EventAudience.WhoCanSee(SqliteQueries.LoadCurrentWindows(context, conversationId), seq), now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<Done>> DeleteAsync(long conversationId, long seq, long accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(context =>
        {
            var (me, target, error) = LoadTarget(context, conversationId, seq, accountId);
            if ((error ?? MessageChangeRules.CanDelete(me!, target!)) is { } refused)
            {
                return refused;
            }

            var tombstone = context.Command("UPDATE messages SET body = NULL, attachments = NULL, deleted_at = $at WHERE conversation_id = $conversation AND seq = $seq");
            tombstone.Parameters.AddWithValue("$at", SqliteTime.ToColumn(now));
            tombstone.Parameters.AddWithValue("$conversation", conversationId);
            tombstone.Parameters.AddWithValue("$seq", seq);
            tombstone.ExecuteNonQuery();
            var reactions = context.Command("DELETE FROM reactions WHERE conversation_id = $conversation AND seq = $seq");
            reactions.Parameters.AddWithValue("$conversation", conversationId);
            reactions.Parameters.AddWithValue("$seq", seq);
            reactions.ExecuteNonQuery();
            SqliteMediaRefs.Release(context, conversationId, seq);
            context.Emit(new MessageDeletedEvent(conversationId, seq, now), EventAudience.WhoCanSee(SqliteQueries.LoadCurrentWindows(context, conversationId), seq), now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<Done>> ReactAsync(long conversationId, long seq, long accountId, string? emoji, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(context =>
        {
            var (_, _, error) = LoadTarget(context, conversationId, seq, accountId);
            if (error is not null)
            {
                return error;
            }

            if (emoji is null)
            {
                var remove = context.Command("DELETE FROM reactions WHERE conversation_id = $conversation AND seq = $seq AND account_id = $account");
                remove.Parameters.AddWithValue("$conversation", conversationId);
                remove.Parameters.AddWithValue("$seq", seq);
                remove.Parameters.AddWithValue("$account", accountId);
                if (remove.ExecuteNonQuery() == 0)
                {
                    return Done.Value;
                }
            }
            else
            {
                var upsert = context.Command("""
                    INSERT INTO reactions (conversation_id, seq, account_id, emoji, reacted_at) VALUES ($conversation, $seq, $account, $emoji, $at)
                    ON CONFLICT (conversation_id, seq, account_id) DO UPDATE SET emoji = excluded.emoji, reacted_at = excluded.reacted_at
                    WHERE emoji <> excluded.emoji
                    """);
                upsert.Parameters.AddWithValue("$conversation", conversationId);
                upsert.Parameters.AddWithValue("$seq", seq);
                upsert.Parameters.AddWithValue("$account", accountId);
                upsert.Parameters.AddWithValue("$emoji", emoji);
                upsert.Parameters.AddWithValue("$at", SqliteTime.ToColumn(now));
                if (upsert.ExecuteNonQuery() == 0)
                {
                    return Done.Value; // Same reaction again: nothing changed, nothing to tell.
                }
            }

            context.Emit(new ReactionEvent(conversationId, seq, accountId, emoji), EventAudience.WhoCanSee(SqliteQueries.LoadCurrentWindows(context, conversationId), seq), now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<Done>> MarkAsync(long conversationId, long accountId, string kind, long seq, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(context =>
        {
            var me = SqliteQueries.LoadMember(context, conversationId, accountId);
            var conversation = me is { IsCurrent: true } ? SqliteQueries.LoadConversation(context, conversationId) : null;
            if (conversation is null)
            {
                return ConversationRules.NotAMember();
            }

            if (MessageChangeRules.NextMark(me!, kind, seq, conversation.LastSeq) is not { } mark)
            {
                return Done.Value;
            }

            var column = kind == ReceiptKinds.Read ? "read_seq" : "delivered_seq";

            var update = context.Command(kind == ReceiptKinds.Read
                ? "UPDATE conversation_members SET read_seq = $seq, delivered_seq = MAX(delivered_seq, $seq) WHERE conversation_id = $conversation AND account_id = $account"
                : $"UPDATE conversation_members SET {column} = $seq WHERE conversation_id = $conversation AND account_id = $account");
            update.Parameters.AddWithValue("$seq", mark);
            update.Parameters.AddWithValue("$conversation", conversationId);
            update.Parameters.AddWithValue("$account", accountId);
            update.ExecuteNonQuery();
            context.Emit(new ReceiptEvent(conversationId, accountId, kind, mark), EventAudience.CurrentMembers(SqliteQueries.LoadCurrentWindows(context, conversationId)), now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<MessagePage>> GetHistoryAsync(long conversationId, long accountId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<Outcome<MessagePage>>(session =>
        {
            var me = SqliteQueries.LoadMember(session, conversationId, accountId);
            var conversation = me is null ? null : SqliteQueries.LoadConversation(session, conversationId);
            if (conversation is null)
            {
                return ConversationRules.NotAMember();
            }

            var window = HistoryWindow.For(me!, conversation.LastSeq, beforeSeq, afterSeq);
            return window.Page(SqliteQueries.LoadMessages(session, conversationId, window.AfterSeq, window.ThroughSeq, window.Descending, limit + 1), limit);
        }, cancellationToken);

    private static bool MessageExists(SqliteWriteContext context, long conversationId, long seq)
    {
        var exists = context.Command("SELECT 1 FROM messages WHERE conversation_id = $conversation AND seq = $seq");
        exists.Parameters.AddWithValue("$conversation", conversationId);
        exists.Parameters.AddWithValue("$seq", seq);
        return exists.ExecuteScalar() is not null;
    }

    /// <summary>The actor's membership and the message they act on, or the error to answer (<see cref="MessageChangeRules.CheckTarget"/>).</summary>
    private static (Member? Actor, Message? Message, RoostError? Error) LoadTarget(SqliteWriteContext context, long conversationId, long seq, long accountId)
    {
        var me = SqliteQueries.LoadMember(context, conversationId, accountId);
        var found = me is not null ? SqliteQueries.LoadMessages(context, conversationId, seq - 1, seq, descending: false, 1) : [];
        var target = found.Count == 1 ? found[0] : null;
        return MessageChangeRules.CheckTarget(me, target) is { } error ? (null, null, error) : (me, target, null);
    }
}
