using System.Buffers;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Roost.Core.Media;

namespace Roost.Media.S3;

/// <summary>
/// Blobs in one bucket of an S3-compatible store, shared by every node. Large objects go up as multipart uploads one
/// part at a time (bounded memory whatever the size), and an upload that fails is aborted so no parts linger.
/// </summary>
public sealed partial class S3BlobStore : IBlobStore, IDisposable
{
    private const int MaximumParts = 10_000;
    private static readonly TimeSpan MaximumUrlLifetime = TimeSpan.FromDays(7);
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(30);

    private readonly S3BlobStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AmazonS3Client _client;
    private readonly string _prefix;

    public S3BlobStore(S3BlobStoreOptions options, TimeProvider? timeProvider = null, ILogger<S3BlobStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Bucket, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PartSize, S3BlobStoreOptions.MinimumPartSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PartSize, S3BlobStoreOptions.MaximumPartSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MultipartThreshold, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MultipartThreshold, S3BlobStoreOptions.MaximumSinglePutSize, nameof(options));
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<S3BlobStore>.Instance;
        _prefix = options.KeyPrefix?.Trim('/') is { Length: > 0 } prefix ? prefix + "/" : "";

        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // The SDK 4 default adds CRC32 checksums to every upload (as aws-chunked trailers); several S3-compatible
            // stores reject or mis-store them, and SigV4 already signs the payload (whole or per chunk).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { Length: > 0 } serviceUrl)
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        _client = options.AccessKey is { Length: > 0 } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public string Kind => "s3";

    public bool IsShared => true;

    /// <summary>Creates the bucket unless it exists (at start-up and in tests); calling it again does nothing.</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        // A one-key listing, not the SDK's existence check: that reads the bucket's ACL, which s3rver and some other
        // compatible stores do not implement.
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, MaxKeys = 1 }, cancellationToken);
            return;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchBucket" || e.StatusCode == HttpStatusCode.NotFound)
        {
        }

        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Another node created it in between (stores differ in which of the two they answer): usable if listable.
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, MaxKeys = 1 }, cancellationToken);
        }
    }

    public Task PutAsync(string key, Stream content, long length, CancellationToken cancellationToken)
    {
        Check(key);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return length > _options.MultipartThreshold
            ? PutMultipartAsync(key, content, length, cancellationToken)
            : PutSingleAsync(key, content, length, cancellationToken);
    }

    public async Task<long?> GetLengthAsync(string key, CancellationToken cancellationToken)
    {
        Check(key);
        try
        {
            var metadata = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = ObjectKey(key) }, cancellationToken);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        Check(key);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(requested, nameof(length));
        }

        // S3 has no empty range, but a missing object must still be reported.
        if (length == 0)
        {
            return await GetLengthAsync(key, cancellationToken) is null ? throw new BlobNotFoundException(key) : Stream.Null;
        }

        var request = new GetObjectRequest { BucketName = _options.Bucket, Key = ObjectKey(key) };
        if (length is { } count)
        {
            request.ByteRange = new ByteRange(offset, offset + count - 1);
        }
        else if (offset > 0)
        {
            request.ByteRange = new ByteRange($"bytes={offset}-");
        }

        try
        {
            var response = await _client.GetObjectAsync(request, cancellationToken);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchKey" || (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is not "NoSuchBucket"))
        {
            throw new BlobNotFoundException(key);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The object is there and shorter than the offset: as on disk, nothing to read.
            return Stream.Null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Check(key);
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _options.Bucket, Key = ObjectKey(key) }, cancellationToken);
    }

    public Uri? GetDirectUrl(string key, TimeSpan lifetime, string contentType, string contentDisposition)
    {
        Check(key);
        if (_options.PublicBaseUrl is { Length: > 0 } publicBase)
        {
            return new Uri($"{publicBase.TrimEnd('/')}/{ObjectKey(key)}");
        }

        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = ObjectKey(key),
            Verb = HttpVerb.GET,
            Expires = _time.GetUtcNow().UtcDateTime + (lifetime > MaximumUrlLifetime ? MaximumUrlLifetime : lifetime),
            Protocol = _options.ServiceUrl?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Amazon.S3.Protocol.HTTP : Amazon.S3.Protocol.HTTPS,
        };
        request.ResponseHeaderOverrides.ContentType = contentType;
        request.ResponseHeaderOverrides.ContentDisposition = contentDisposition;
        return new Uri(_client.GetPreSignedURL(request));
    }

    public string? GetLocalPath(string key) => null;

    public void Dispose() => _client.Dispose();

    private static void Check(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!BlobKeys.IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a valid blob key.", nameof(key));
        }
    }

    /// <summary>The bucket's name for a (checked) key: under <see cref="S3BlobStoreOptions.KeyPrefix"/> when set.</summary>
    private string ObjectKey(string key) => _prefix + key;

    /// <summary>
    /// One PUT. A seekable source of the right remaining length is sent as it is; any other is read into a pooled
    /// buffer first (at most one part's size), because the SDK can only hash and sign a payload it can rewind, and
    /// would otherwise fall back to aws-chunked framing whatever <see cref="S3BlobStoreOptions.UseChunkEncoding"/> says.
    /// </summary>
    private async Task PutSingleAsync(string key, Stream content, long length, CancellationToken cancellationToken)
    {
        if (content.CanSeek)
        {
            var remaining = content.Length - content.Position;
            if (remaining != length)
            {
                throw new IOException($"The content has {remaining} bytes, not {length}.");
            }

            await PutObjectAsync(key, content, length, cancellationToken);
            return;
        }

        if (length > _options.PartSize)
        {
            await PutMultipartAsync(key, content, length, cancellationToken);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)length + 1);
        try
        {
            await ReadPartAsync(content, buffer.AsMemory(0, (int)length), cancellationToken);
            await CheckEndAsync(content, buffer, length, cancellationToken);
            using var whole = new MemoryStream(buffer, 0, (int)length, writable: false);
            await PutObjectAsync(key, whole, length, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task PutObjectAsync(string key, Stream content, long length, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = ObjectKey(key),
            InputStream = content,
            AutoCloseStream = false,
            // From where the caller's stream stands (the SDK would otherwise rewind it to 0).
            AutoResetStreamPosition = false,
            UseChunkEncoding = _options.UseChunkEncoding,
        };
        request.Headers.ContentLength = length;
        await _client.PutObjectAsync(request, cancellationToken);
    }

    /// <summary>Fills <paramref name="part"/>; a source that ends first is the caller's wrong length, never stored.</summary>
    private static async Task ReadPartAsync(Stream content, Memory<byte> part, CancellationToken cancellationToken)
    {
        try
        {
            await content.ReadExactlyAsync(part, cancellationToken);
        }
        catch (EndOfStreamException e)
        {
            throw new IOException("The content ended before its stated length.", e);
        }
    }

    private static async Task CheckEndAsync(Stream content, byte[] buffer, long length, CancellationToken cancellationToken)
    {
        if (await content.ReadAsync(buffer.AsMemory(0, 1), cancellationToken) != 0)
        {
            throw new IOException($"The content is longer than {length} bytes.");
        }
    }

    private async Task PutMultipartAsync(string key, Stream content, long length, CancellationToken cancellationToken)
    {
        var partSize = (int)Math.Max(_options.PartSize, (length + MaximumParts - 1) / MaximumParts);
        var objectKey = ObjectKey(key);
        var started = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = objectKey }, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(partSize);
        try
        {
            var parts = new List<PartETag>();
            for (long sent = 0; sent < length;)
            {
                var size = (int)Math.Min(partSize, length - sent);
                await ReadPartAsync(content, buffer.AsMemory(0, size), cancellationToken);
                using var part = new MemoryStream(buffer, 0, size, writable: false);
                var uploaded = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _options.Bucket,
                    Key = objectKey,
                    UploadId = started.UploadId,
                    PartNumber = parts.Count + 1,
                    InputStream = part,
                    PartSize = size,
                    IsLastPart = sent + size == length,
                    UseChunkEncoding = _options.UseChunkEncoding,
                }, cancellationToken);
                parts.Add(new PartETag(parts.Count + 1, uploaded.ETag));
                sent += size;
            }

            await CheckEndAsync(content, buffer, length, cancellationToken);
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = objectKey,
                UploadId = started.UploadId,
                PartETags = parts,
            }, cancellationToken);
        }
        catch
        {
            await AbortAsync(objectKey, started.UploadId);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Best effort, and not on the caller's token (a cancelled upload must still be aborted): when the abort fails too,
    /// the original error is the one worth reporting, and the bucket's incomplete-upload lifecycle rule removes the parts.
    /// </summary>
    private async Task AbortAsync(string objectKey, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(AbortTimeout);
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = objectKey, UploadId = uploadId }, timeout.Token);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException)
        {
            Log.AbortFailed(_logger, e, objectKey, uploadId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8900, Level = LogLevel.Warning, Message = "Could not abort the failed multipart upload {UploadId} of {Key}; its parts stay until the bucket's lifecycle rule for incomplete uploads removes them")]
        public static partial void AbortFailed(ILogger logger, Exception exception, string key, string uploadId);
    }
}
