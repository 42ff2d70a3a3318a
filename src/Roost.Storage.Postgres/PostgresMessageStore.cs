using Roost.Core.Conversations;
using Roost.Core.Delivery;
using Roost.Core.Errors;
using Roost.Core.Messaging;
using Roost.Core.Push;
using Roost.Protocol.Events;

namespace Roost.Storage.Postgres;

internal sealed class PostgresMessageStore(PostgresStore store) : IMessageStore
{
    public Task<Outcome<SendResult>> AppendAsync(NewMessage message, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<SendResult>>(async context =>
        {
            // The hot path, in two round trips. First, in one: was (sender, client id) seen before (exactly-once), the
            // memberships that answer both "may the sender post?" and "who receives it?", and the conversation's newest
            // seq. Every write batch holds the append lock, so no other writer can move that seq before this commits.
            FirstSend? first = null;
            List<MemberWindow> members = [];
            (long LastSeq, string Kind)? conversation = null;
            await using (var batch = context.Batch(
                ("SELECT conversation_id, seq, sent_at, body, reply_to, edited_at FROM messages WHERE sender_id = $1 AND client_id = $2", [message.SenderId, message.ClientId]),
                ("SELECT account_id, joined_seq, left_seq FROM conversation_members WHERE conversation_id = $1 AND (left_seq IS NULL OR account_id = $2)", [message.ConversationId, message.SenderId]),
                ("SELECT last_seq, kind FROM conversations WHERE id = $1", [message.ConversationId])))
            await using (var reader = await batch.ExecuteReaderAsync())
            {
                if (await reader.ReadAsync())
                {
                    first = new FirstSend(
                        reader.GetInt64(0),
                        reader.GetInt64(1),
                        reader.GetTime(2),
                        reader.GetStringOrNull(3),
                        reader.GetInt64OrNull(4),
                        Changed: !reader.IsDBNull(5) || reader.IsDBNull(3));
                }

                await reader.NextResultAsync();
                while (await reader.ReadAsync())
                {
                    members.Add(new MemberWindow(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64OrNull(2)));
                }

                await reader.NextResultAsync();
                if (await reader.ReadAsync())
                {
                    conversation = (reader.GetInt64(0), reader.GetString(1));
                }
            }

            if (first is not null)
            {
                return MessageRules.AnswerRepeatedSend(first, message);
            }

            var sender = members.Find(m => m.AccountId == message.SenderId);
            if (sender.AccountId != message.SenderId || !sender.IsCurrent || conversation is not { } current)
            {
                return ConversationRules.NotAMember();
            }

            if (message.ReplyTo is { } replyTo
                && MessageChangeRules.CheckReplyTo(replyTo, sender.JoinedSeq, await MessageExistsAsync(context, message.ConversationId, replyTo)) is { } badReply)
            {
                return badReply;
            }

            IReadOnlyList<Core.Media.Attachment>? attachments = null;
            if (message.MediaIds is { Count: > 0 } mediaIds)
            {
                var loaded = await PostgresMediaRefs.LoadAsync(context, mediaIds, message.SenderId);
                if (!loaded.IsSuccess)
                {
                    return loaded.Error!;
                }

                attachments = loaded.Value;
            }

            // Second, in one round trip: the next seq (gap-free: the last one plus one), the message, and its event.
            var seq = current.LastSeq + 1;
            var created = new Message(message.ConversationId, seq, message.SenderId, message.ClientId, message.Body, message.ReplyTo, message.Now, null, null, [], attachments);
            var recipients = EventAudience.CurrentMembers(members);
            var pushed = PushAudience.For(recipients, message.SenderId);
            await context.EmitMessageAsync(
                new MessageCreatedEvent(created.ToResponse(), current.Kind),
                recipients,
                pushed,
                store.ConnectedDevices is { } connected ? [.. pushed.SelectMany(connected.DevicesConnectedHere)] : [],
                message.ConversationId,
                seq,
                message.Now,
                [
                    ("UPDATE conversations SET last_seq = $1 WHERE id = $2", [seq, message.ConversationId]),
                    ("""
                     INSERT INTO messages (conversation_id, seq, sender_id, client_id, body, reply_to, sent_at, attachments)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     """, [message.ConversationId, seq, message.SenderId, message.ClientId, message.Body, message.ReplyTo, message.Now, Core.Media.AttachmentJson.Write(attachments)]),
                    .. PostgresMediaRefs.Attach(attachments, message.ConversationId, seq),
                ]);
            return new SendResult(message.ConversationId, seq, message.ClientId, message.Now, Duplicate: false);
        }, cancellationToken);

    public Task<Outcome<Done>> EditAsync(long conversationId, long seq, long accountId, string body, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(async context =>
        {
            var (me, target, error) = await LoadTargetAsync(context, conversationId, seq, accountId);
            if ((error ?? MessageChangeRules.CanEdit(me!, target!)) is { } refused)
            {
                return refused;
            }

            await context.Command("UPDATE messages SET body = @body, edited_at = @at WHERE conversation_id = @conversation AND seq = @seq")
                .With("body", body)
                .With("at", now)
                .With("conversation", conversationId)
                .With("seq", seq)
                .RunAsync();
            await EmitToViewersAsync(context, new MessageEditedEvent(conversationId, seq, body, now), conversationId, seq, now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<Done>> DeleteAsync(long conversationId, long seq, long accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(async context =>
        {
            var (me, target, error) = await LoadTargetAsync(context, conversationId, seq, accountId);
            if ((error ?? MessageChangeRules.CanDelete(me!, target!)) is { } refused)
            {
                return refused;
            }

            await context.Command("UPDATE messages SET body = NULL, attachments = NULL, deleted_at = @at WHERE conversation_id = @conversation AND seq = @seq")
                .With("at", now)
                .With("conversation", conversationId)
                .With("seq", seq)
                .RunAsync();
            await context.Command("DELETE FROM reactions WHERE conversation_id = @conversation AND seq = @seq")
                .With("conversation", conversationId)
                .With("seq", seq)
                .RunAsync();
            await PostgresMediaRefs.ReleaseAsync(context, conversationId, seq);
            await EmitToViewersAsync(context, new MessageDeletedEvent(conversationId, seq, now), conversationId, seq, now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<Done>> ReactAsync(long conversationId, long seq, long accountId, string? emoji, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(async context =>
        {
            var (_, _, error) = await LoadTargetAsync(context, conversationId, seq, accountId);
            if (error is not null)
            {
                return error;
            }

            var changed = emoji is null
                ? await context.Command("DELETE FROM reactions WHERE conversation_id = @conversation AND seq = @seq AND account_id = @account")
                    .With("conversation", conversationId)
                    .With("seq", seq)
                    .With("account", accountId)
                    .RunAsync()
                : await context.Command("""
                        INSERT INTO reactions (conversation_id, seq, account_id, emoji, reacted_at) VALUES (@conversation, @seq, @account, @emoji, @at)
                        ON CONFLICT (conversation_id, seq, account_id) DO UPDATE SET emoji = excluded.emoji, reacted_at = excluded.reacted_at
                        WHERE reactions.emoji <> excluded.emoji
                        """)
                    .With("conversation", conversationId)
                    .With("seq", seq)
                    .With("account", accountId)
                    .With("emoji", emoji)
                    .With("at", now)
                    .RunAsync();
            if (changed == 0)
            {
                return Done.Value; // Nothing changed (the same reaction again, or none to remove): nothing to tell.
            }

            await EmitToViewersAsync(context, new ReactionEvent(conversationId, seq, accountId, emoji), conversationId, seq, now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<Done>> MarkAsync(long conversationId, long accountId, string kind, long seq, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync<Outcome<Done>>(async context =>
        {
            var me = await PostgresQueries.LoadMemberAsync(context, conversationId, accountId);
            var conversation = me is { IsCurrent: true } ? await PostgresQueries.LoadConversationAsync(context, conversationId) : null;
            if (conversation is null)
            {
                return ConversationRules.NotAMember();
            }

            if (MessageChangeRules.NextMark(me!, kind, seq, conversation.LastSeq) is not { } mark)
            {
                return Done.Value;
            }

            await context.Command(kind == ReceiptKinds.Read
                    ? "UPDATE conversation_members SET read_seq = @seq, delivered_seq = GREATEST(delivered_seq, @seq) WHERE conversation_id = @conversation AND account_id = @account"
                    : "UPDATE conversation_members SET delivered_seq = @seq WHERE conversation_id = @conversation AND account_id = @account")
                .With("seq", mark)
                .With("conversation", conversationId)
                .With("account", accountId)
                .RunAsync();
            var audience = EventAudience.CurrentMembers(await PostgresQueries.LoadCurrentWindowsAsync(context, conversationId));
            await context.EmitAsync(new ReceiptEvent(conversationId, accountId, kind, mark), audience, now);
            return Done.Value;
        }, cancellationToken);

    public Task<Outcome<MessagePage>> GetHistoryAsync(long conversationId, long accountId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync<Outcome<MessagePage>>(async session =>
        {
            var me = await PostgresQueries.LoadMemberAsync(session, conversationId, accountId);
            var conversation = me is null ? null : await PostgresQueries.LoadConversationAsync(session, conversationId);
            if (conversation is null)
            {
                return ConversationRules.NotAMember();
            }

            var window = HistoryWindow.For(me!, conversation.LastSeq, beforeSeq, afterSeq);
            return window.Page(await PostgresQueries.LoadMessagesAsync(session, conversationId, window.AfterSeq, window.ThroughSeq, window.Descending, limit + 1), limit);
        }, cancellationToken);

    private static async Task EmitToViewersAsync(PostgresWriteContext context, RoostEvent @event, long conversationId, long seq, DateTimeOffset now)
    {
        var audience = EventAudience.WhoCanSee(await PostgresQueries.LoadCurrentWindowsAsync(context, conversationId), seq);
        await context.EmitAsync(@event, audience, now);
    }

    private static async Task<bool> MessageExistsAsync(PostgresWriteContext context, long conversationId, long seq) =>
        await context.Command("SELECT 1 FROM messages WHERE conversation_id = @conversation AND seq = @seq")
            .With("conversation", conversationId)
            .With("seq", seq)
            .ScalarAsync() is not null;

    /// <summary>The actor's membership and the message they act on, or the error to answer (<see cref="MessageChangeRules.CheckTarget"/>).</summary>
    private static async Task<(Member? Actor, Message? Message, RoostError? Error)> LoadTargetAsync(PostgresWriteContext context, long conversationId, long seq, long accountId)
    {
        var me = await PostgresQueries.LoadMemberAsync(context, conversationId, accountId);
        var found = me is not null ? await PostgresQueries.LoadMessagesAsync(context, conversationId, seq - 1, seq, descending: false, 1) : [];
        var target = found.Count == 1 ? found[0] : null;
        return MessageChangeRules.CheckTarget(me, target) is { } error ? (null, null, error) : (me, target, null);
    }
}
