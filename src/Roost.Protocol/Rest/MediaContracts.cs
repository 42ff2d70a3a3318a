namespace Roost.Protocol.Rest;

/// <summary>
/// Media carried by a message: enough to lay it out before fetching a byte. The file is at <c>/v1/media/{id}</c>, each
/// thumbnail at <c>/v1/media/{id}/thumbnails/{size}</c>. <see cref="Kind"/>: image, video, audio or document.
/// </summary>
public sealed record AttachmentResponse(
    string Id,
    string Kind,
    string ContentType,
    long Size,
    string? Name,
    int? Width,
    int? Height,
    long? DurationMs,
    string? Placeholder,
    IReadOnlyList<ThumbnailResponse> Thumbnails);

/// <summary>A thumbnail fitting a <see cref="Size"/>×<see cref="Size"/> square.</summary>
public sealed record ThumbnailResponse(int Size, int Width, int Height, string ContentType);

/// <summary>
/// GET /v1/media/{id}/info, and the answer to a simple upload. <see cref="State"/>: uploading, processing, ready or
/// failed (then <see cref="Error"/> is the code). <see cref="Offset"/>/<see cref="Length"/>: the upload's progress.
/// </summary>
public sealed record MediaResponse(
    string Id,
    string State,
    string? Kind,
    string? ContentType,
    long? Size,
    string? Name,
    int? Width,
    int? Height,
    long? DurationMs,
    string? Placeholder,
    string? Error,
    long Offset,
    long? Length,
    IReadOnlyList<ThumbnailResponse> Thumbnails,
    DateTimeOffset CreatedAt);

/// <summary>POST /v1/media/links: signed links for these media ids (1 to 100).</summary>
public sealed record MediaLinksRequest(IReadOnlyList<string>? Ids);

/// <summary>Links for the requested ids the caller may see and that are ready; the others are absent.</summary>
public sealed record MediaLinksResponse(IReadOnlyList<MediaLinkResponse> Links);

/// <summary>
/// Signed URLs (relative to the server) of a media item's file and of each thumbnail by size, usable without a token
/// until <see cref="ExpiresAt"/>; each request is still authorized for the account the link was made for.
/// </summary>
public sealed record MediaLinkResponse(string Id, string Url, IReadOnlyDictionary<string, string> Thumbnails, DateTimeOffset ExpiresAt);
