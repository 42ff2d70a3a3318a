namespace Roost.Media.S3;

/// <summary>Where and how to reach the S3-compatible store (AWS S3, MinIO, R2, Ceph; s3rver in tests).</summary>
public sealed class S3BlobStoreOptions
{
    /// <summary>The smallest part S3 accepts in a multipart upload (all but the last part).</summary>
    public const long MinimumPartSize = 5L * 1024 * 1024;

    /// <summary>The largest part this store buffers: a part is held in memory while it goes up.</summary>
    public const long MaximumPartSize = 1L * 1024 * 1024 * 1024;

    /// <summary>The largest object S3 takes in a single PUT; <see cref="MultipartThreshold"/> may not exceed it.</summary>
    public const long MaximumSinglePutSize = 5L * 1024 * 1024 * 1024;

    /// <summary>The endpoint (e.g. <c>https://minio.example:9000</c>); null for AWS itself, found from <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    public string Bucket { get; set; } = "";

    /// <summary>The signing region; most non-AWS stores accept any value and expect us-east-1.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>With <see cref="SecretKey"/>; both null: the SDK's default credential chain (environment, instance role).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary><c>endpoint/bucket/key</c> rather than <c>bucket.endpoint/key</c>: what self-hosted stores need, no wildcard DNS.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>
    /// Streams uploads as signed aws-chunked frames. Real S3, MinIO and R2 accept it; s3rver silently stores the
    /// framing itself, so its tests turn it off.
    /// </summary>
    public bool UseChunkEncoding { get; set; } = true;

    /// <summary>Objects longer than this go up in parts (one part in memory at a time) instead of a single PUT.</summary>
    public long MultipartThreshold { get; set; } = 64L * 1024 * 1024;

    /// <summary>Bytes per part, at least <see cref="MinimumPartSize"/>; grown when an object would need over 10 000 parts.</summary>
    public long PartSize { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Keys are stored under <c>{KeyPrefix}/</c> (slashes around it trimmed), so Roost may share a bucket; null or
    /// empty: at the bucket's root.
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// A public (CDN) origin for the bucket: direct URLs are then <c>{PublicBaseUrl}/{object key}</c> (the object key
    /// includes <see cref="KeyPrefix"/>), not presigned. Only for buckets whose objects may be public.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}
