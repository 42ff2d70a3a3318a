using Roost.Media.S3;

namespace Roost.Testing;

/// <summary>
/// Stores on the private s3rver that <c>./test.sh</c> starts (ROOST_TEST_S3), each on a fresh bucket so tests never
/// see each other's objects. Without that server an S3 test fails, never silently skips.
/// </summary>
public static class TestS3
{
    public const string ServerVariable = "ROOST_TEST_S3";

    /// <summary>The s3rver endpoint (http:// on loopback).</summary>
    public static string ServiceUrl =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{ServerVariable} is not set: run the tests with ./test.sh, which starts a private s3rver.");

    /// <summary>Options for a new random bucket (not yet created); chunk encoding off, which s3rver would store as data.</summary>
    public static S3BlobStoreOptions CreateOptions() => new()
    {
        ServiceUrl = ServiceUrl,
        Bucket = "roost-test-" + Guid.NewGuid().ToString("N")[..16],
        AccessKey = "S3RVER",
        SecretKey = "S3RVER",
        ForcePathStyle = true,
        UseChunkEncoding = false,
    };

    /// <summary>A server's <c>Roost:Media</c> settings for media on s3rver in <paramref name="bucket"/> (a fresh one by default).</summary>
    public static Dictionary<string, string> ServerSettings(string? bucket = null) => new()
    {
        ["Roost:Media:Store"] = "S3",
        ["Roost:Media:S3:ServiceUrl"] = ServiceUrl,
        ["Roost:Media:S3:Bucket"] = bucket ?? "roost-" + Guid.NewGuid().ToString("N")[..12],
        ["Roost:Media:S3:AccessKey"] = "S3RVER",
        ["Roost:Media:S3:SecretKey"] = "S3RVER",
        ["Roost:Media:S3:UseChunkEncoding"] = "false",
    };

    /// <summary>A store on a fresh bucket, created; thresholds as given (else the defaults).</summary>
    public static async Task<S3BlobStore> CreateStoreAsync(long? multipartThreshold = null, long? partSize = null)
    {
        var options = CreateOptions();
        options.MultipartThreshold = multipartThreshold ?? options.MultipartThreshold;
        options.PartSize = partSize ?? options.PartSize;
        var store = new S3BlobStore(options);
        try
        {
            await store.EnsureBucketAsync(CancellationToken.None).DefaultTimeout();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }
}
