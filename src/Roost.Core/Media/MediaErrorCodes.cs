namespace Roost.Core.Media;

/// <summary>Stable error codes of the media API (documented in docs/protocol.md "Media").</summary>
public static class MediaErrorCodes
{
    /// <summary>The content is not one of the allowed types.</summary>
    public const string TypeNotAllowed = "media_type_not_allowed";

    /// <summary>The content's type differs from the declared type or the file name's extension.</summary>
    public const string TypeMismatch = "media_type_mismatch";

    /// <summary>The file is larger than its type or the server allows (or a video's <c>moov</c> index or an Ogg stream's headers are over their cap).</summary>
    public const string TooLarge = "media_too_large";

    /// <summary>An image's width × height is over the pixel cap (a decompression bomb, or just too big).</summary>
    public const string ImageTooLarge = "media_image_too_large";

    /// <summary>The file claims to be an image but cannot be decoded, or its container (MP4, QuickTime, M4A, GIF, Ogg) cannot be walked.</summary>
    public const string Undecodable = "media_undecodable";

    /// <summary>The account has too many uploads in progress.</summary>
    public const string TooManyUploads = "media_too_many_uploads";

    /// <summary>The account's bytes for today are used up.</summary>
    public const string DailyQuota = "media_daily_quota";

    /// <summary>No such upload or media (or not the caller's to see).</summary>
    public const string NotFound = "media_not_found";

    /// <summary>The upload expired before it was finished.</summary>
    public const string Expired = "media_upload_expired";

    /// <summary>Attaching media that is still uploading or being processed.</summary>
    public const string NotReady = "media_not_ready";

    /// <summary>Attaching media that failed validation or processing.</summary>
    public const string Failed = "media_failed";

    public const string UploadLocked = "upload_locked";

    public const string UploadExceedsLength = "upload_exceeds_length";

    public const string ChecksumMismatch = "checksum_mismatch";

    public const string UploadComplete = "upload_complete";

    public const string UploadLengthFixed = "upload_length_fixed";

    public const string UploadTooManyChunks = "upload_too_many_chunks";

    public const string UploadOffsetMismatch = "upload_offset_mismatch";

    public const string FirstChunkTooSmall = "upload_first_chunk_too_small";

    public const string ChecksumUnsupported = "checksum_unsupported";

    public const string TusVersionUnsupported = "tus_version_unsupported";

    /// <summary>A signed media link whose signature does not match (altered, or made by another server key).</summary>
    public const string LinkInvalid = "media_link_invalid";

    /// <summary>A signed media link past its expiry: ask POST /v1/media/links for a fresh one.</summary>
    public const string LinkExpired = "media_link_expired";

    /// <summary>The node is receiving as many upload bodies as it takes at once (503, Retry-After): retry shortly.</summary>
    public const string UploadBusy = "upload_busy";
}
