using System.Collections.Concurrent;
using Roost.Core.Errors;
using Roost.Core.Media;
using Roost.Core.Storage;

namespace Roost.Server.Media;

/// <summary>
/// Takes the bytes of a tus PATCH: streams them to a private temporary file (never the whole body in memory), checks
/// the checksum and, on the first chunk, the content type from the bytes; makes the chunk durable in the blob store;
/// and only then counts it in the store, so an acknowledged offset survives a crash.
/// </summary>
internal sealed partial class MediaUploads(
    IRoostStore store,
    IBlobStore blobs,
    MediaLimits limits,
    MediaSignal signal,
    string temporaryDirectory,
    TimeProvider time,
    ILogger<MediaUploads> logger) : IDisposable
{
    private const int CopyBufferBytes = 81_920;
    private const string FirstChunkTooSmall = MediaErrorCodes.FirstChunkTooSmall;

    private readonly ConcurrentDictionary<string, byte> _busy = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _writers = new(limits.MaxConcurrentChunkWrites, limits.MaxConcurrentChunkWrites);

    public MediaLimits Limits => limits;

    /// <param name="checksum">A parsed Upload-Checksum: the chunk is refused (460) and dropped unless it matches.</param>
    /// <param name="declareLength">A deferred length sent with this chunk.</param>
    public async Task<ChunkOutcome> WriteChunkAsync(
        string uploadId, long accountId, long offset, Stream body, (string Algorithm, byte[] Digest)? checksum, long? declareLength, CancellationToken requestAborted)
    {
        if (!_busy.TryAdd(uploadId, 0))
        {
            return ChunkOutcome.Refused(new RoostError(ErrorKind.Conflict, MediaErrorCodes.UploadLocked, "Another request is writing to this upload; retry after it ends."), StatusCodes.Status423Locked);
        }

        var writing = false;
        try
        {
            if (!(writing = _writers.Wait(0, CancellationToken.None)))
            {
                return ChunkOutcome.Refused(new RoostError(ErrorKind.Unavailable, MediaErrorCodes.UploadBusy, "This server is receiving as many uploads as it takes at once; retry shortly.", RetryAfter: TimeSpan.FromSeconds(1)));
            }

            if (FreeDiskBytes() < limits.MinFreeDiskBytes)
            {
                Log.DiskLow(logger, limits.MinFreeDiskBytes);
                return ChunkOutcome.Refused(new RoostError(ErrorKind.Unavailable, ErrorCodes.StorageFull, "The server is short of disk space; nothing of this chunk was kept. Retry later."), StatusCodes.Status507InsufficientStorage);
            }

            return await WriteLockedAsync(uploadId, accountId, offset, body, checksum, declareLength, requestAborted);
        }
        finally
        {
            if (writing)
            {
                _writers.Release();
            }

            _busy.TryRemove(uploadId, out _);
        }
    }

    public void Dispose() => _writers.Dispose();

    /// <summary>Free space where bodies are spooled (the data folder's file system), for the writer and not root's reserve.</summary>
    private long FreeDiskBytes() => new DriveInfo(temporaryDirectory).AvailableFreeSpace;

    private async Task<ChunkOutcome> WriteLockedAsync(
        string uploadId, long accountId, long offset, Stream body, (string Algorithm, byte[] Digest)? checksum, long? declareLength, CancellationToken requestAborted)
    {
        var upload = await store.Media.GetUploadAsync(uploadId, accountId, CancellationToken.None);
        var probe = new NewChunk(uploadId, accountId, offset, 0, "", null, declareLength, time.GetUtcNow());
        if (MediaUploadRules.CheckChunk(upload, probe, 0, limits) is { } early)
        {
            return ChunkOutcome.Refused(early);
        }

        var length = upload!.Length ?? declareLength;
        var room = (length ?? MediaUploadRules.MaxBytesFor(upload, limits)) - offset;
        var path = Path.Combine(temporaryDirectory, $"{uploadId}-{Guid.NewGuid():N}.part");
        try
        {
            var (received, digest, tooLong, broken) = await ReceiveAsync(body, path, room, checksum?.Algorithm, requestAborted);
            if (tooLong)
            {
                return ChunkOutcome.Refused(new RoostError(ErrorKind.PayloadTooLarge, MediaErrorCodes.UploadExceedsLength, $"This chunk goes past the upload's end ({room} bytes were left)."));
            }

            if (checksum is { } expected && (broken || !TusChecksum.Matches(expected.Digest, digest!)))
            {
                return ChunkOutcome.Refused(new RoostError(ErrorKind.Validation, MediaErrorCodes.ChecksumMismatch, "Upload-Checksum does not match the bytes received; the chunk was dropped."), 460);
            }

            string? contentType = null;
            if (offset == 0 && received > 0)
            {
                var sniffed = await SniffAsync(path, upload, received, length);
                if (sniffed.Error is { } refused)
                {
                    // Content that is not allowed ends the upload; a first chunk too short to tell is only dropped.
                    if (refused.Code != FirstChunkTooSmall)
                    {
                        await TerminateAsync(uploadId, accountId);
                    }

                    return ChunkOutcome.Refused(refused);
                }

                contentType = sniffed.Type;
            }

            var key = BlobKeys.ForChunk(uploadId, offset);
            if (received > 0)
            {
                // Consumes the spooled file (a local store moves it into place).
                await blobs.PutFileAsync(key, path, CancellationToken.None);
            }

            var counted = await store.Media.AppendChunkAsync(new NewChunk(uploadId, accountId, offset, received, key, contentType, declareLength, time.GetUtcNow()), limits, CancellationToken.None);
            if (!counted.IsSuccess)
            {
                await blobs.DeleteAsync(key, CancellationToken.None);
                return ChunkOutcome.Refused(counted.Error!);
            }

            if (counted.Value.State == MediaState.Processing)
            {
                signal.Raise();
            }

            return new ChunkOutcome(counted.Value, null);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Deletes an upload and its chunks (tus termination, or a refused first chunk).</summary>
    public async Task<bool> TerminateAsync(string uploadId, long accountId)
    {
        var keys = await store.Media.DeleteAsync(uploadId, accountId, CancellationToken.None);
        if (keys is null)
        {
            return false;
        }

        foreach (var key in keys)
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }

        return true;
    }

    /// <summary>
    /// Copies at most <paramref name="room"/> bytes of the body to <paramref name="path"/> and makes them durable. A
    /// body that breaks off keeps what arrived (tus: store as much as was received), unless a checksum must cover it.
    /// </summary>
    private static async Task<(long Received, byte[]? Digest, bool TooLong, bool Broken)> ReceiveAsync(Stream body, string path, long room, string? algorithm, CancellationToken requestAborted)
    {
        using var hash = algorithm is null ? null : TusChecksum.CreateHash(algorithm);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        long received = 0;
        var broken = false;
        try
        {
            await using var file = new FileStream(path, PrivateFiles.NewFile());
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), requestAborted);
                }
                catch (Exception exception) when (exception is IOException or OperationCanceledException or Microsoft.AspNetCore.Connections.ConnectionResetException)
                {
                    broken = true;
                    break;
                }

                if (read == 0)
                {
                    break;
                }

                if (received + read > room)
                {
                    return (received, null, TooLong: true, broken);
                }

                await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
                hash?.AppendData(buffer, 0, read);
                received += read;
            }

            file.Flush(flushToDisk: true);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return (received, hash?.GetHashAndReset(), TooLong: false, broken);
    }

    /// <summary>The type from the first bytes, checked against the allow-list, the declared type and name, and its size limit.</summary>
    private async Task<(string? Type, RoostError? Error)> SniffAsync(string path, MediaUpload upload, long received, long? length)
    {
        // Unless this chunk is the whole file, the type needs a full head of bytes (a deferred length included).
        if (received < MediaSniffer.HeadLength && (length is not { } total || received < total))
        {
            return (null, new RoostError(ErrorKind.Validation, FirstChunkTooSmall,
                $"The first chunk must carry at least {MediaSniffer.HeadLength} bytes (or the whole file): the type is decided from them."));
        }

        var head = new byte[(int)Math.Min(received, MediaSniffer.HeadLength)];
        await using (var file = File.OpenRead(path))
        {
            await file.ReadExactlyAsync(head);
        }

        var type = MediaSniffer.Sniff(head);
        if (MediaTypeRules.Check(type, upload.DeclaredType, upload.FileName, limits.AllowedTypes) is { } code)
        {
            Log.Refused(logger, upload.Id, code);
            return (null, code == MediaErrorCodes.TypeMismatch
                ? new RoostError(ErrorKind.UnsupportedMediaType, code, $"The file's content is {type?.ContentType}, not what its name or declared type says.")
                : new RoostError(ErrorKind.UnsupportedMediaType, code, $"This kind of file is not accepted here (allowed: {string.Join(", ", limits.AllowedTypes)})."));
        }

        var max = limits.MaxBytesFor(type!.Kind);
        return length > max ? (null, MediaUploadRules.TooLarge(max)) : (type.ContentType, null);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Upload bodies refused: the data folder has less than {MinFreeBytes} bytes free")]
        public static partial void DiskLow(ILogger logger, long minFreeBytes);

        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Upload {UploadId} refused: {Code}")]
        public static partial void Refused(ILogger logger, string uploadId, string code);
    }
}
