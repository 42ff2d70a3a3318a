using System.Security.Cryptography;
using Roost.Core.Media;
using Roost.Core.Storage;

namespace Roost.Server.Media;

/// <summary>
/// Turns a finished upload into stored media: joins its chunks into a private temporary file, checks the type again,
/// cleans images (re-encoded without metadata, orientation applied, thumbnails and a placeholder), GIFs, videos,
/// M4A and Ogg (metadata blocks, boxes and comments dropped or blanked, samples untouched), names every file
/// by the SHA-256 of its bytes, writes the blobs the store does not have yet, and marks the media ready.
/// </summary>
internal sealed partial class MediaProcessor(
    IRoostStore store,
    IBlobStore blobs,
    IImageProcessor images,
    MediaLimits limits,
    string temporaryDirectory,
    TimeProvider time,
    ILogger<MediaProcessor> logger)
{
    /// <summary>
    /// Leases up to <paramref name="limit"/> jobs for <paramref name="lease"/>. Jobs whose attempts are used up (their
    /// runs crashed the process, so no handler refused them) are refused now instead.
    /// </summary>
    public Task<IReadOnlyList<MediaJob>> ClaimAsync(TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return store.Media.ClaimJobsAsync(now, now + lease, limit, MediaJobRules.MaxAttempts, now + limits.UnattachedLifetime, cancellationToken);
    }

    /// <summary>Runs one leased job to its end: ready, refused, or put back to try later.</summary>
    public async Task RunAsync(MediaJob job, CancellationToken cancellationToken)
    {
        var work = Path.Combine(temporaryDirectory, $"job-{job.MediaId}-{Guid.NewGuid():N}");
        PrivateFiles.EnsureDirectory(work, allowShared: false);
        try
        {
            var outcome = await ProcessAsync(job, work, cancellationToken);
            if (outcome is null)
            {
                return;
            }

            var reservation = await store.Media.ReserveFilesAsync(job.MediaId, outcome.Value.Result.Files, time.GetUtcNow(), CancellationToken.None);
            if (reservation.Busy)
            {
                // Waiting for the sweeper is no failure: the attempt the claim counted is given back.
                await store.Media.RetryJobAsync(job.MediaId, time.GetUtcNow() + MediaJobRules.BusyDelay, countAttempt: false, CancellationToken.None);
                return;
            }

            foreach (var key in reservation.ToWrite)
            {
                var path = outcome.Value.Paths[key];
                await blobs.PutFileAsync(key, path, cancellationToken);
            }

            var now = time.GetUtcNow();
            await store.Media.CompleteJobAsync(job.MediaId, outcome.Value.Result, now, now + limits.UnattachedLifetime, CancellationToken.None);
            Log.Ready(logger, job.MediaId, outcome.Value.Result.ContentType, outcome.Value.Result.Size);
        }
        catch (ImageRejectedException rejected)
        {
            await FailAsync(job, rejected.Code);
        }
        catch (MediaStructureException refused)
        {
            await FailAsync(job, refused.Code);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the lease runs out and the job is claimed again.
        }
#pragma warning disable CA1031 // Any other failure (a store or blob error) is retried, then refused for good.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.Failed(logger, exception, job.MediaId, job.Attempts);
            if (MediaJobRules.IsExhausted(job.Attempts, MediaJobRules.MaxAttempts))
            {
                await FailAsync(job, MediaErrorCodes.Failed);
            }
            else
            {
                await store.Media.RetryJobAsync(job.MediaId, time.GetUtcNow() + MediaJobRules.RetryDelay(job.Attempts), countAttempt: true, CancellationToken.None);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task FailAsync(MediaJob job, string code)
    {
        Log.Refused(logger, job.MediaId, code);
        await store.Media.FailJobAsync(job.MediaId, code, time.GetUtcNow(), time.GetUtcNow() + limits.UnattachedLifetime, CancellationToken.None);
    }

    private async Task<(ProcessedMedia Result, Dictionary<string, string> Paths)?> ProcessAsync(MediaJob job, string work, CancellationToken cancellationToken)
    {
        var original = Path.Combine(work, "upload");
        await JoinChunksAsync(job, original, cancellationToken);
        var head = new byte[(int)Math.Min(job.Length, MediaSniffer.HeadLength)];
        await using (var file = File.OpenRead(original))
        {
            await file.ReadExactlyAsync(head, cancellationToken);
        }

        var type = MediaSniffer.Sniff(head);
        if (type is null || !string.Equals(type.ContentType, job.ContentType, StringComparison.OrdinalIgnoreCase)
            || !limits.AllowedTypes.Contains(type.ContentType, StringComparer.OrdinalIgnoreCase))
        {
            throw new ImageRejectedException(MediaErrorCodes.TypeNotAllowed, "The content's type is not allowed.");
        }

        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<MediaFile>();
        var cleaned = await StripAsync(original, type, work, cancellationToken);
        if (type.Kind != MediaKind.Image)
        {
            var key = await AddFileAsync(cleaned, paths);
            var size = new FileInfo(cleaned).Length;
            MediaDetails details;
            await using (var file = File.OpenRead(cleaned))
            {
                details = MediaProbe.Probe(file, type);
            }

            files.Add(new MediaFile(MediaFile.Full, key, type.ContentType, size, details.Width, details.Height));
            return (new ProcessedMedia(type.ContentType, size, details.Width, details.Height, details.DurationMs, null, files), paths);
        }

        var policy = new ImagePolicy(limits.MaxImagePixels, limits.ThumbnailSizes);
        var processed = await Task.Run(() => images.Process(cleaned, work, policy, cancellationToken), cancellationToken);
        var fullKey = await AddFileAsync(processed.Path, paths);
        var fullSize = new FileInfo(processed.Path).Length;
        files.Add(new MediaFile(MediaFile.Full, fullKey, processed.ContentType, fullSize, processed.Width, processed.Height));
        foreach (var thumbnail in processed.Thumbnails)
        {
            var key = await AddFileAsync(thumbnail.Path, paths);
            files.Add(new MediaFile(MediaFile.ThumbnailRole(thumbnail.Size), key, thumbnail.ContentType, new FileInfo(thumbnail.Path).Length, thumbnail.Width, thumbnail.Height));
        }

        return (new ProcessedMedia(processed.ContentType, fullSize, processed.Width, processed.Height, null, processed.Placeholder, files), paths);
    }

    /// <summary>
    /// The file to keep, without the metadata its container carries: ISO-BMFF (MP4, QuickTime, M4A) with its
    /// <c>udta</c>/<c>meta</c>/XMP boxes blanked in place, a GIF without comments and foreign extensions, Ogg with an
    /// empty comment header; other images are re-encoded by the image processor. ID3 tags before ADTS audio and PDF
    /// metadata are kept for now (docs/security.md "Media"). Throws <see cref="MediaStructureException"/> for a
    /// container that cannot be walked.
    /// </summary>
    private static async Task<string> StripAsync(string original, MediaType type, string work, CancellationToken cancellationToken)
    {
        Action<Stream, Stream>? strip = type.ContentType switch
        {
            "video/mp4" or "video/quicktime" or "audio/mp4" => (input, output) => IsoBmffMetadataStripper.Strip(input, output, cancellationToken: cancellationToken),
            "image/gif" => (input, output) => GifMetadataStripper.Strip(input, output, cancellationToken),
            "audio/ogg" => (input, output) => OggCommentStripper.Strip(input, output, cancellationToken),
            _ => null,
        };
        if (strip is null)
        {
            return original;
        }

        var cleaned = Path.Combine(work, "stripped");
        await Task.Run(
            () =>
            {
                using var input = File.OpenRead(original);
                using var output = new FileStream(cleaned, PrivateFiles.NewFile());
                strip(input, output);
            },
            cancellationToken);
        return cleaned;
    }

    private async Task JoinChunksAsync(MediaJob job, string path, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(path, PrivateFiles.NewFile());
        foreach (var chunk in job.Chunks)
        {
            await using var input = await blobs.OpenReadAsync(chunk.Key, 0, chunk.Length, cancellationToken);
            await input.CopyToAsync(output, cancellationToken);
        }

        if (output.Length != job.Length)
        {
            throw new InvalidDataException($"The chunks of {job.MediaId} hold {output.Length} bytes, not {job.Length}.");
        }
    }

    /// <summary>Names a file by its content (SHA-256), remembering where its bytes are.</summary>
    private static async Task<string> AddFileAsync(string path, Dictionary<string, string> paths)
    {
        await using var file = File.OpenRead(path);
        var key = BlobKeys.ForContent(Convert.ToHexStringLower(await SHA256.HashDataAsync(file)));
        paths.TryAdd(key, path);
        return key;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "Media {MediaId} ready: {ContentType}, {Size} bytes")]
        public static partial void Ready(ILogger logger, string mediaId, string contentType, long size);

        [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Media {MediaId} refused: {Code}")]
        public static partial void Refused(ILogger logger, string mediaId, string code);

        [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Processing media {MediaId} failed (attempt {Attempt})")]
        public static partial void Failed(ILogger logger, Exception exception, string mediaId, int attempt);
    }
}
