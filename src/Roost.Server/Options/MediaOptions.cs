using Roost.Core.Media;

namespace Roost.Server.Options;

public enum MediaStoreKind
{
    /// <summary>A folder on this machine (the default): <c>media</c> in the data folder. One node only.</summary>
    Local,

    /// <summary>An S3-compatible object store: required when several nodes serve one instance.</summary>
    S3,
}

/// <summary>Uploads, validation and where media is kept. Bound from <c>Roost:Media</c> (docs/operations.md "Media").</summary>
public sealed record MediaOptions
{
    public MediaStoreKind Store { get; init; } = MediaStoreKind.Local;

    /// <summary>With the local store: the folder; empty means <c>media</c> inside the data folder.</summary>
    public string Directory { get; init; } = "";

    public MediaS3Options S3 { get; init; } = new();

    public long MaxUploadBytes { get; init; } = new MediaLimits().MaxUploadBytes;

    public long MaxImageBytes { get; init; } = new MediaLimits().MaxImageBytes;

    public long MaxVideoBytes { get; init; } = new MediaLimits().MaxVideoBytes;

    public long MaxAudioBytes { get; init; } = new MediaLimits().MaxAudioBytes;

    public long MaxDocumentBytes { get; init; } = new MediaLimits().MaxDocumentBytes;

    public long MaxSimpleUploadBytes { get; init; } = new MediaLimits().MaxSimpleUploadBytes;

    public int MaxUploadsInProgress { get; init; } = new MediaLimits().MaxUploadsInProgress;

    public long DailyBytes { get; init; } = new MediaLimits().DailyBytes;

    public TimeSpan UploadLifetime { get; init; } = new MediaLimits().UploadLifetime;

    public TimeSpan UnattachedLifetime { get; init; } = new MediaLimits().UnattachedLifetime;

    public long MaxImagePixels { get; init; } = new MediaLimits().MaxImagePixels;

    public int MaxConcurrentChunkWrites { get; init; } = new MediaLimits().MaxConcurrentChunkWrites;

    public long MinFreeDiskBytes { get; init; } = new MediaLimits().MinFreeDiskBytes;

    public IReadOnlyList<int> ThumbnailSizes { get; init; } = new MediaLimits().ThumbnailSizes;

    public IReadOnlyList<string> AllowedTypes { get; init; } = MediaTypes.DefaultAllowed;

    /// <summary>How long a signed link from POST /v1/media/links works (for img/video tags that cannot send a token).</summary>
    public TimeSpan LinkLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Local store behind nginx: an internal nginx location (e.g. <c>/_roost_media/</c>) that maps to the media folder.
    /// Authorized file requests are then answered with <c>X-Accel-Redirect</c> and nginx sends the bytes. Empty: the
    /// server sends them itself.
    /// </summary>
    public string AccelRedirectPrefix { get; init; } = "";

    /// <summary>S3 store: answer authorized file requests with a redirect to a presigned URL (or the CDN base URL).</summary>
    public bool RedirectToStore { get; init; }

    /// <summary>How long a presigned store URL behind such a redirect works.</summary>
    public TimeSpan DirectUrlLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Processing jobs run at once on this node (each decodes at most MaxImagePixels × 4 bytes).</summary>
    public int ProcessingConcurrency { get; init; } = 2;

    /// <summary>
    /// The origin media is redirected to (<see cref="RedirectToStore"/>): the CDN, else the store's endpoint (with the
    /// bucket as a subdomain unless path-style). The web client's policy must allow images and media from it.
    /// </summary>
    public string? RedirectOrigin()
    {
        if (!RedirectToStore || Store != MediaStoreKind.S3)
        {
            return null;
        }

        if (Uri.TryCreate(S3.PublicBaseUrl, UriKind.Absolute, out var cdn))
        {
            return cdn.GetLeftPart(UriPartial.Authority);
        }

        if (!Uri.TryCreate(S3.ServiceUrl, UriKind.Absolute, out var service))
        {
            return null;
        }

        return S3.ForcePathStyle ? service.GetLeftPart(UriPartial.Authority) : $"{service.Scheme}://{S3.Bucket}.{service.Authority}";
    }

    public MediaLimits ToLimits() => new()
    {
        MaxUploadBytes = MaxUploadBytes,
        MaxImageBytes = MaxImageBytes,
        MaxVideoBytes = MaxVideoBytes,
        MaxAudioBytes = MaxAudioBytes,
        MaxDocumentBytes = MaxDocumentBytes,
        MaxSimpleUploadBytes = MaxSimpleUploadBytes,
        MaxUploadsInProgress = MaxUploadsInProgress,
        DailyBytes = DailyBytes,
        UploadLifetime = UploadLifetime,
        UnattachedLifetime = UnattachedLifetime,
        MaxImagePixels = MaxImagePixels,
        MaxConcurrentChunkWrites = MaxConcurrentChunkWrites,
        MinFreeDiskBytes = MinFreeDiskBytes,
        ThumbnailSizes = ThumbnailSizes,
        AllowedTypes = AllowedTypes,
    };
}

/// <summary>An S3-compatible store (AWS S3, MinIO, Cloudflare R2, Ceph RGW). Path-style addressing by default.</summary>
public sealed record MediaS3Options
{
    public string ServiceUrl { get; init; } = "";

    public string Bucket { get; init; } = "";

    public string Region { get; init; } = "us-east-1";

    public string AccessKey { get; init; } = "";

    public string SecretKey { get; init; } = "";

    public bool ForcePathStyle { get; init; } = true;

    /// <summary>aws-chunked uploads; real S3, MinIO and R2 accept them, some test servers (s3rver) store the framing.</summary>
    public bool UseChunkEncoding { get; init; } = true;

    /// <summary>Prepended to every object key, to share a bucket with other data (e.g. <c>roost/</c>).</summary>
    public string KeyPrefix { get; init; } = "";

    /// <summary>A CDN in front of the bucket: direct URLs are this base plus the key instead of presigned URLs.</summary>
    public string PublicBaseUrl { get; init; } = "";
}
