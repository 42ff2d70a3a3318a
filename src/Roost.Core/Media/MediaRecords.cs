namespace Roost.Core.Media;

/// <summary>Where an upload is in its life. Stored as its number.</summary>
public enum MediaState
{
    /// <summary>Bytes are arriving (tus); the offset is <see cref="MediaUpload.Received"/>.</summary>
    Uploading = 0,

    /// <summary>Every byte arrived; a background job validates, cleans and stores it.</summary>
    Processing = 1,

    /// <summary>Stored and attachable.</summary>
    Ready = 2,

    /// <summary>Refused by validation or processing; <see cref="MediaUpload.Error"/> says why.</summary>
    Failed = 3,
}

/// <summary>An upload as tus sees it: its owner, length, offset and metadata. The media id is the upload's id.</summary>
public sealed record MediaUpload(
    string Id,
    long AccountId,
    MediaState State,
    long? Length,
    long Received,
    string? Metadata,
    string? FileName,
    string? DeclaredType,
    string? ContentType,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt);

/// <summary>A new upload. <see cref="Length"/> null: deferred (tus creation-defer-length).</summary>
public sealed record NewUpload(
    string Id,
    long AccountId,
    long? Length,
    string? Metadata,
    string? FileName,
    string? DeclaredType,
    DateTimeOffset Now,
    DateTimeOffset ExpiresAt);

/// <summary>
/// A chunk already written to the blob store under <see cref="Key"/>, to be counted at <see cref="Offset"/>.
/// <see cref="ContentType"/>: the sniffed type, set by the first chunk. <see cref="DeclareLength"/>: a deferred length given now.
/// </summary>
public sealed record NewChunk(
    string UploadId,
    long AccountId,
    long Offset,
    long Length,
    string Key,
    string? ContentType,
    long? DeclareLength,
    DateTimeOffset Now);

public sealed record MediaChunk(long Offset, long Length, string Key);

/// <summary>A finished upload for the processing job: its chunks in order, concatenated, are the file.</summary>
public sealed record MediaJob(string MediaId, long AccountId, string? ContentType, string? FileName, long Length, int Attempts, IReadOnlyList<MediaChunk> Chunks);

/// <summary>
/// One stored file of a media item: <see cref="Role"/> <c>full</c> (the cleaned original) or <c>thumb-{size}</c>.
/// <see cref="Key"/> is a content address: files with the same bytes share one blob.
/// </summary>
public sealed record MediaFile(string Role, string Key, string ContentType, long Size, int? Width, int? Height)
{
    public const string Full = "full";

    private const string ThumbnailPrefix = "thumb-";

    public static string ThumbnailRole(int size) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ThumbnailPrefix}{size}");

    /// <summary>The size of a thumbnail role, or null for any other role.</summary>
    public static int? ThumbnailSize(string role) =>
        role.StartsWith(ThumbnailPrefix, StringComparison.Ordinal)
        && int.TryParse(role.AsSpan(ThumbnailPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
            ? size
            : null;
}

/// <summary>What processing found and made.</summary>
public sealed record ProcessedMedia(string ContentType, long Size, int? Width, int? Height, long? DurationMs, string? Placeholder, IReadOnlyList<MediaFile> Files);

/// <summary>A media item with its files, as stored.</summary>
public sealed record StoredMedia(
    string Id,
    long AccountId,
    MediaState State,
    string? ContentType,
    string? FileName,
    long? Size,
    int? Width,
    int? Height,
    long? DurationMs,
    string? Placeholder,
    string? Error,
    int References,
    DateTimeOffset CreatedAt,
    IReadOnlyList<MediaFile> Files)
{
    public MediaFile? File(string role) => Files.FirstOrDefault(f => f.Role == role);
}

/// <summary>An attachment as a message carries it: a snapshot of the media's metadata at send time.</summary>
public sealed record Attachment(
    string Id,
    string ContentType,
    long Size,
    string? Name,
    int? Width,
    int? Height,
    long? DurationMs,
    string? Placeholder,
    IReadOnlyList<AttachmentThumbnail> Thumbnails);

public sealed record AttachmentThumbnail(int Size, int Width, int Height, string ContentType);

/// <summary>The outcome of reserving content-addressed blobs for a media item's files.</summary>
/// <param name="ToWrite">Keys whose bytes must be written (new, or not yet confirmed stored).</param>
/// <param name="Busy">A key is being deleted right now: try again shortly.</param>
public sealed record BlobReservation(IReadOnlyList<string> ToWrite, bool Busy);
