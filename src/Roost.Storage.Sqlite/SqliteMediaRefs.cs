using Roost.Core.Errors;
using Roost.Core.Media;

namespace Roost.Storage.Sqlite;

/// <summary>Attaching media to a message and letting go of it, inside the message store's transaction.</summary>
internal static class SqliteMediaRefs
{
    /// <summary>The attachments for <paramref name="ids"/>, each checked by Core's rule, or the first refusal.</summary>
    public static Outcome<IReadOnlyList<Attachment>> Load(SqliteWriteContext context, IReadOnlyList<string> ids, long senderId)
    {
        var attachments = new List<Attachment>(ids.Count);
        foreach (var id in ids)
        {
            var media = SqliteMediaStore.LoadMedia(context, id);
            if (AttachmentRules.Check(media, senderId) is { } refused)
            {
                return refused;
            }

            attachments.Add(AttachmentRules.ToAttachment(media!));
        }

        return attachments;
    }

    /// <summary>References the media from the message; attached media no longer expires.</summary>
    public static void Attach(SqliteWriteContext context, IReadOnlyList<Attachment> attachments, long conversationId, long seq)
    {
        var reference = context.Command("INSERT OR IGNORE INTO media_refs (media_id, conversation_id, seq) VALUES ($media, $conversation, $seq)");
        var keep = context.Command("UPDATE media SET expires_at = NULL WHERE id = $media");
        foreach (var attachment in attachments)
        {
            reference.Parameters.Clear();
            reference.Parameters.AddWithValue("$media", attachment.Id);
            reference.Parameters.AddWithValue("$conversation", conversationId);
            reference.Parameters.AddWithValue("$seq", seq);
            reference.ExecuteNonQuery();
            keep.Parameters.Clear();
            keep.Parameters.AddWithValue("$media", attachment.Id);
            keep.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Drops the message's references. Media no message carries any more is collected by the sweeper (its
    /// <c>expires_at</c> is NULL and it has no reference), and with it any blob no other file shares.
    /// </summary>
    public static void Release(SqliteWriteContext context, long conversationId, long seq)
    {
        var release = context.Command("DELETE FROM media_refs WHERE conversation_id = $conversation AND seq = $seq");
        release.Parameters.AddWithValue("$conversation", conversationId);
        release.Parameters.AddWithValue("$seq", seq);
        release.ExecuteNonQuery();
    }
}
