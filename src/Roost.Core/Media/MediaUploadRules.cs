using Roost.Core.Errors;

namespace Roost.Core.Media;

/// <summary>The rules of creating an upload and counting its chunks; engines load the numbers and apply these.</summary>
public static class MediaUploadRules
{
    /// <summary>The first UTC instant of <paramref name="now"/>'s day: daily byte counts are kept per UTC day.</summary>
    public static DateTimeOffset DayOf(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    public static RoostError? CheckCreate(int uploadsInProgress, long bytesToday, long? length, MediaLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (length > limits.MaxUploadBytes)
        {
            return TooLarge(limits.MaxUploadBytes);
        }

        if (uploadsInProgress >= limits.MaxUploadsInProgress)
        {
            return new RoostError(ErrorKind.RateLimited, MediaErrorCodes.TooManyUploads,
                $"At most {limits.MaxUploadsInProgress} uploads may be in progress at once; finish or cancel one first.");
        }

        return CheckDailyQuota(bytesToday, length ?? 0, limits);
    }

    /// <summary>Whether <paramref name="adding"/> more bytes fit today's quota; written so no sum can overflow.</summary>
    public static RoostError? CheckDailyQuota(long bytesToday, long adding, MediaLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return adding > limits.DailyBytes - Math.Min(bytesToday, limits.DailyBytes) ? DailyQuota(limits.DailyBytes) : null;
    }

    /// <summary>
    /// The most bytes this upload may hold: the limit of its kind once its type is known from the first chunk, else the
    /// largest upload at all.
    /// </summary>
    public static long MaxBytesFor(MediaUpload upload, MediaLimits limits)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(limits);
        return upload.ContentType is { } type && MediaTypes.FromContentType(type) is { } known ? limits.MaxBytesFor(known.Kind) : limits.MaxUploadBytes;
    }

    /// <summary>
    /// Whether a chunk may be counted: the caller's upload, still uploading and not expired, at the current offset,
    /// within its length and the chunk budget. <paramref name="deferredLengthGiven"/>: a deferred length set by this chunk.
    /// </summary>
    public static RoostError? CheckChunk(MediaUpload? upload, NewChunk chunk, int chunks, MediaLimits limits)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(limits);
        if (upload is null || upload.AccountId != chunk.AccountId)
        {
            return NotFound();
        }

        if (upload.State != MediaState.Uploading)
        {
            return new RoostError(ErrorKind.Conflict, MediaErrorCodes.UploadComplete, "This upload is complete; it takes no more bytes.");
        }

        if (upload.ExpiresAt <= chunk.Now)
        {
            return Expired();
        }

        if (upload.Received != chunk.Offset)
        {
            return OffsetMismatch(upload.Received);
        }

        if (chunk.DeclareLength is { } declared && upload.Length is { } known && declared != known)
        {
            return new RoostError(ErrorKind.Validation, MediaErrorCodes.UploadLengthFixed, "Upload-Length was already set and cannot change.");
        }

        // A deferred length is held to the same limits as one given at creation (Tus-Max-Size, the kind's limit).
        var max = MaxBytesFor(upload, limits);
        if (chunk.DeclareLength > max)
        {
            return TooLarge(max);
        }

        var length = upload.Length ?? chunk.DeclareLength;
        if (length is { } total && chunk.Length > total - chunk.Offset)
        {
            return new RoostError(ErrorKind.PayloadTooLarge, MediaErrorCodes.UploadExceedsLength, $"The upload is {total} bytes; this chunk goes past its end.");
        }

        if (chunk.Length > max - chunk.Offset)
        {
            return TooLarge(max);
        }

        return chunks >= limits.MaxChunksPerUpload
            ? new RoostError(ErrorKind.Validation, MediaErrorCodes.UploadTooManyChunks, $"An upload may be sent in at most {limits.MaxChunksPerUpload} requests; send larger chunks.")
            : null;
    }

    public static RoostError OffsetMismatch(long current) =>
        new(ErrorKind.Conflict, MediaErrorCodes.UploadOffsetMismatch, $"Upload-Offset does not match the upload's offset ({current}); ask with HEAD and resume from there.");

    public static RoostError NotFound() =>
        new(ErrorKind.NotFound, MediaErrorCodes.NotFound, "No such upload or media.");

    public static RoostError Expired() =>
        new(ErrorKind.Gone, MediaErrorCodes.Expired, "This upload expired before it was finished; start a new one.");

    public static RoostError TooLarge(long max) =>
        new(ErrorKind.PayloadTooLarge, MediaErrorCodes.TooLarge, $"The file is larger than allowed ({max} bytes).");

    public static RoostError DailyQuota(long max) =>
        new(ErrorKind.RateLimited, MediaErrorCodes.DailyQuota, $"Each account may upload {max} bytes per day (UTC); try again tomorrow.");
}
