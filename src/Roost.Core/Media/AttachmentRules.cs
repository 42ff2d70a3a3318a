using Roost.Core.Errors;

namespace Roost.Core.Media;

/// <summary>What a message may attach: a few distinct media ids, each the sender's own upload and ready.</summary>
public static class AttachmentRules
{
    public static string? ValidateIds(IReadOnlyList<string>? ids, int max)
    {
        if (ids is null || ids.Count == 0)
        {
            return null;
        }

        if (ids.Count > max)
        {
            return $"A message carries at most {max} attachments.";
        }

        if (ids.Any(id => !MediaIds.IsValid(id)))
        {
            return "An attachment is the id of an upload (32 lower-case hex digits).";
        }

        return ids.Distinct(StringComparer.Ordinal).Count() == ids.Count ? null : "Each attachment appears once.";
    }

    /// <summary>Refuses media that is not the sender's (told apart from none at all by no one) or not ready.</summary>
    public static RoostError? Check(StoredMedia? media, long senderId)
    {
        if (media is null || media.AccountId != senderId)
        {
            return new RoostError(ErrorKind.Validation, MediaErrorCodes.NotFound, "An attachment must be media you uploaded.");
        }

        return media.State switch
        {
            MediaState.Ready => null,
            MediaState.Failed => new RoostError(ErrorKind.Validation, MediaErrorCodes.Failed, $"That media was refused ({media.Error}); it cannot be attached."),
            _ => new RoostError(ErrorKind.Conflict, MediaErrorCodes.NotReady, "That media is still uploading or being processed; attach it once its state is ready."),
        };
    }

    /// <summary>The snapshot a message keeps (and its events carry).</summary>
    public static Attachment ToAttachment(StoredMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var thumbnails = new List<AttachmentThumbnail>();
        foreach (var file in media.Files)
        {
            if (file.Role.StartsWith("thumb-", StringComparison.Ordinal)
                && int.TryParse(file.Role.AsSpan(6), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
            {
                thumbnails.Add(new AttachmentThumbnail(size, file.Width ?? 0, file.Height ?? 0, file.ContentType));
            }
        }

        thumbnails.Sort((a, b) => a.Size.CompareTo(b.Size));
        return new Attachment(media.Id, media.ContentType ?? "application/octet-stream", media.Size ?? 0, media.FileName,
            media.Width, media.Height, media.DurationMs, media.Placeholder, thumbnails);
    }
}
