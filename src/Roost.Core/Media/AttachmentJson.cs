using System.Text.Json;
using Roost.Core.Delivery;
using Roost.Protocol;
using Roost.Protocol.Rest;

namespace Roost.Core.Media;

/// <summary>A message's attachments in a column: their wire form as JSON, so a read needs no join and says what the event said.</summary>
public static class AttachmentJson
{
    public static string? Write(IReadOnlyList<Attachment>? attachments) =>
        attachments is { Count: > 0 }
            ? JsonSerializer.Serialize([.. attachments.Select(a => a.ToResponse())], RoostJsonContext.Default.ListAttachmentResponse)
            : null;

    public static IReadOnlyList<Attachment>? Read(string? column)
    {
        if (column is null)
        {
            return null;
        }

        var wire = JsonSerializer.Deserialize(column, RoostJsonContext.Default.ListAttachmentResponse) ?? [];
        return [.. wire.Select(a => new Attachment(a.Id, a.ContentType, a.Size, a.Name, a.Width, a.Height, a.DurationMs, a.Placeholder,
            [.. a.Thumbnails.Select(t => new AttachmentThumbnail(t.Size, t.Width, t.Height, t.ContentType))]))];
    }
}
