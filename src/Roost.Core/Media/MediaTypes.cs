namespace Roost.Core.Media;

/// <summary>What a client does with media: show it, play it, or offer it as a file.</summary>
public enum MediaKind
{
    Image,
    Video,
    Audio,
    Document,
}

/// <summary>A content type Roost can recognise from a file's bytes, with its kind and usual file name extensions.</summary>
public sealed record MediaType(string ContentType, MediaKind Kind, params string[] Extensions)
{
    /// <summary>The name the wire uses for <see cref="Kind"/>: <c>image</c>, <c>video</c>, <c>audio</c> or <c>document</c>.</summary>
    public string KindName => Kind switch
    {
        MediaKind.Image => "image",
        MediaKind.Video => "video",
        MediaKind.Audio => "audio",
        _ => "document",
    };
}

/// <summary>Every type the sniffer knows. Which of them a server accepts is configuration (the allow-list).</summary>
public static class MediaTypes
{
    public static readonly MediaType Jpeg = new("image/jpeg", MediaKind.Image, ".jpg", ".jpeg", ".jfif");
    public static readonly MediaType Png = new("image/png", MediaKind.Image, ".png");
    public static readonly MediaType WebP = new("image/webp", MediaKind.Image, ".webp");
    public static readonly MediaType Gif = new("image/gif", MediaKind.Image, ".gif");
    public static readonly MediaType Heic = new("image/heic", MediaKind.Image, ".heic", ".heif");
    public static readonly MediaType Mp4 = new("video/mp4", MediaKind.Video, ".mp4", ".m4v");
    public static readonly MediaType QuickTime = new("video/quicktime", MediaKind.Video, ".mov", ".qt");
    public static readonly MediaType Ogg = new("audio/ogg", MediaKind.Audio, ".ogg", ".oga", ".opus");
    public static readonly MediaType Aac = new("audio/aac", MediaKind.Audio, ".aac");
    public static readonly MediaType M4a = new("audio/mp4", MediaKind.Audio, ".m4a");
    public static readonly MediaType Pdf = new("application/pdf", MediaKind.Document, ".pdf");

    public static IReadOnlyList<MediaType> All { get; } = [Jpeg, Png, WebP, Gif, Heic, Mp4, QuickTime, Ogg, Aac, M4a, Pdf];

    /// <summary>The default allow-list: everything but HEIC, which the image library here cannot decode (so could not clean).</summary>
    public static IReadOnlyList<string> DefaultAllowed { get; } = [.. All.Where(t => t != Heic).Select(t => t.ContentType)];

    public static MediaType? FromContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var bare = contentType.Split(';', 2)[0].Trim();
        return All.FirstOrDefault(t => string.Equals(t.ContentType, bare, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The type whose extensions include the file name's (case-insensitive), or null when unknown or absent.</summary>
    public static MediaType? FromFileName(string? fileName)
    {
        var extension = Path.GetExtension(fileName ?? "");
        return extension.Length == 0 ? null : All.FirstOrDefault(t => t.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase));
    }
}
