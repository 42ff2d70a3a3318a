using Roost.Core.Errors;
using Roost.Core.Media;

namespace Roost.Storage.Postgres;

/// <summary>Attaching media to a message and letting go of it, inside the message store's transaction.</summary>
internal static class PostgresMediaRefs
{
    /// <summary>The attachments for <paramref name="ids"/>, each checked by Core's rule, or the first refusal.</summary>
    public static async Task<Outcome<IReadOnlyList<Attachment>>> LoadAsync(PostgresWriteContext context, IReadOnlyList<string> ids, long senderId)
    {
        var attachments = new List<Attachment>(ids.Count);
        foreach (var id in ids)
        {
            var media = await PostgresMediaStore.LoadMediaAsync(context, id);
            if (AttachmentRules.Check(media, senderId) is { } refused)
            {
                return refused;
            }

            attachments.Add(AttachmentRules.ToAttachment(media!));
        }

        return attachments;
    }

    /// <summary>The statements that reference the media from the message (in the append's round trip); attached media no longer expires.</summary>
    public static (string Sql, object?[] Parameters)[] Attach(IReadOnlyList<Attachment>? attachments, long conversationId, long seq)
    {
        if (attachments is not { Count: > 0 })
        {
            return [];
        }

        var ids = attachments.Select(a => a.Id).ToArray();
        return
        [
            ("INSERT INTO media_refs (media_id, conversation_id, seq) SELECT id, $2, $3 FROM unnest($1::text[]) AS id ON CONFLICT DO NOTHING", [ids, conversationId, seq]),
            ("UPDATE media SET expires_at = NULL WHERE id = ANY($1)", [ids]),
        ];
    }

    /// <summary>Drops the message's references; media no message carries any more is then collected by the sweeper.</summary>
    public static Task<int> ReleaseAsync(PostgresWriteContext context, long conversationId, long seq) =>
        context.Command("DELETE FROM media_refs WHERE conversation_id = @conversation AND seq = @seq")
            .With("conversation", conversationId)
            .With("seq", seq)
            .RunAsync();
}
