namespace Roost.Core.Media;

/// <summary>What uploads may be; bound from <c>Roost:Media</c> (docs/operations.md "Media").</summary>
public sealed record MediaLimits
{
    /// <summary>The largest upload of any type (tus <c>Tus-Max-Size</c>).</summary>
    public long MaxUploadBytes { get; init; } = 512L * 1024 * 1024;

    public long MaxImageBytes { get; init; } = 32L * 1024 * 1024;

    public long MaxVideoBytes { get; init; } = 512L * 1024 * 1024;

    public long MaxAudioBytes { get; init; } = 64L * 1024 * 1024;

    public long MaxDocumentBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>A plain (non-tus) POST carries at most this much.</summary>
    public long MaxSimpleUploadBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Unfinished uploads one account may have at once.</summary>
    public int MaxUploadsInProgress { get; init; } = 20;

    /// <summary>Bytes one account may upload per UTC day (counted when an upload is created with its length).</summary>
    public long DailyBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>How long an unfinished upload lives without progress.</summary>
    public TimeSpan UploadLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long finished media that no message uses is kept.</summary>
    public TimeSpan UnattachedLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Upload bodies received at once on a node, over all accounts: each is spooled to a temporary file on the data
    /// disk, so this bounds that disk's traffic and open files. One more is answered 503 (retry shortly).
    /// </summary>
    public int MaxConcurrentChunkWrites { get; init; } = 32;

    /// <summary>Below this much free space in the data folder's file system, upload bodies are refused (507) before a byte is written.</summary>
    public long MinFreeDiskBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Chunks one upload may be stored in (each PATCH is one): bounds the rows and objects a client can make.</summary>
    public int MaxChunksPerUpload { get; init; } = 2000;

    /// <summary>Images over this many pixels (width × height, read from the header) are refused before decoding.</summary>
    public long MaxImagePixels { get; init; } = 50_000_000;

    public IReadOnlyList<int> ThumbnailSizes { get; init; } = [256, 1024];

    /// <summary>Content types accepted (decided from the bytes); see <see cref="MediaTypes"/>.</summary>
    public IReadOnlyList<string> AllowedTypes { get; init; } = MediaTypes.DefaultAllowed;

    public int MaxAttachmentsPerMessage { get; init; } = 10;

    public long MaxBytesFor(MediaKind kind) => Math.Min(MaxUploadBytes, kind switch
    {
        MediaKind.Image => MaxImageBytes,
        MediaKind.Video => MaxVideoBytes,
        MediaKind.Audio => MaxAudioBytes,
        _ => MaxDocumentBytes,
    });
}
