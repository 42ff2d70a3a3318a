using Roost.Core.Media;
using Roost.Media.S3;
using Roost.Testing;

namespace Roost.Media.Tests.Blobs;

/// <summary>The blob contract on the test s3rver, plus multipart uploads and direct URLs.</summary>
public sealed class S3BlobStoreTests : BlobStoreContract
{
    private const long FiveMiB = S3BlobStoreOptions.MinimumPartSize;

    protected override async Task<IBlobStore> CreateStoreAsync() => await TestS3.CreateStoreAsync();

    [Fact]
    public void It_is_a_shared_store_without_local_paths()
    {
        Assert.Equal("s3", Store.Kind);
        Assert.True(Store.IsShared);
        Assert.Null(Store.GetLocalPath("blobs/ab/abc"));
    }

    [Fact]
    public async Task Ensuring_the_bucket_again_does_nothing()
    {
        await ((S3BlobStore)Store).EnsureBucketAsync(CancellationToken.None).DefaultTimeout();
        await PutAsync("blobs/ab/abc", [1, 2, 3]);
        await ((S3BlobStore)Store).EnsureBucketAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(3, await Store.GetLengthAsync("blobs/ab/abc", CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task A_large_object_goes_up_in_parts_and_reads_back_whole_and_in_ranges()
    {
        using var store = await TestS3.CreateStoreAsync(multipartThreshold: FiveMiB, partSize: FiveMiB);
        var bytes = RandomBytes((int)(2 * FiveMiB) + 700_000);
        using (var content = new MemoryStream(bytes))
        {
            await store.PutAsync("blobs/cd/large", content, bytes.Length, CancellationToken.None).DefaultTimeout();
        }

        Assert.Equal(bytes.Length, await store.GetLengthAsync("blobs/cd/large", CancellationToken.None).DefaultTimeout());
        var whole = await ReadAllAsync(await store.OpenReadAsync("blobs/cd/large", 0, null, CancellationToken.None).DefaultTimeout());
        AssertSameBytes(bytes, whole);
        var acrossParts = await ReadAllAsync(await store.OpenReadAsync("blobs/cd/large", FiveMiB - 10, 20, CancellationToken.None).DefaultTimeout());
        AssertSameBytes(bytes[(int)(FiveMiB - 10)..(int)(FiveMiB + 10)], acrossParts);
        var tail = await ReadAllAsync(await store.OpenReadAsync("blobs/cd/large", 2 * FiveMiB, null, CancellationToken.None).DefaultTimeout());
        AssertSameBytes(bytes[(int)(2 * FiveMiB)..], tail);
    }

    [Fact]
    public async Task A_large_upload_that_runs_short_is_aborted_and_stores_nothing()
    {
        using var store = await TestS3.CreateStoreAsync(multipartThreshold: FiveMiB, partSize: FiveMiB);
        using var content = new MemoryStream(RandomBytes((int)FiveMiB + 1_000));

        await Assert.ThrowsAnyAsync<IOException>(() => store.PutAsync("blobs/cd/short", content, 2 * FiveMiB, CancellationToken.None).DefaultTimeout());

        Assert.Null(await store.GetLengthAsync("blobs/cd/short", CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task A_presigned_url_serves_the_bytes_with_the_requested_headers()
    {
        var bytes = RandomBytes(20_000);
        await PutAsync("blobs/ef/photo", bytes);

        var url = Store.GetDirectUrl("blobs/ef/photo", TimeSpan.FromMinutes(5), "image/png", "attachment; filename=\"photo.png\"");

        Assert.NotNull(url);
        Assert.Equal(Uri.UriSchemeHttp, url.Scheme);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url, TestContext.Current.CancellationToken).DefaultTimeout();
        response.EnsureSuccessStatusCode();
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment; filename=\"photo.png\"", response.Content.Headers.ContentDisposition?.ToString());
        AssertSameBytes(bytes, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken).DefaultTimeout());
    }

    [Fact]
    public void A_public_base_url_gives_plain_cdn_urls()
    {
        var options = TestS3.CreateOptions();
        options.PublicBaseUrl = "https://cdn.example.test/media/";
        using var store = new S3BlobStore(options);

        var url = store.GetDirectUrl("blobs/ab/abc", TimeSpan.FromMinutes(5), "image/png", "inline");

        Assert.Equal(new Uri("https://cdn.example.test/media/blobs/ab/abc"), url);
    }

    [Fact]
    public async Task A_key_prefix_puts_objects_under_it_and_in_cdn_urls()
    {
        var options = TestS3.CreateOptions();
        options.KeyPrefix = "/tenant-1/";
        options.PublicBaseUrl = "https://cdn.example.test";
        using var prefixed = new S3BlobStore(options);
        await prefixed.EnsureBucketAsync(CancellationToken.None).DefaultTimeout();
        var rootOptions = TestS3.CreateOptions();
        rootOptions.Bucket = options.Bucket;
        using var root = new S3BlobStore(rootOptions);
        var bytes = RandomBytes(1_000);

        using (var content = new MemoryStream(bytes))
        {
            await prefixed.PutAsync("blobs/ab/abc", content, bytes.Length, CancellationToken.None).DefaultTimeout();
        }

        AssertSameBytes(bytes, await ReadAllAsync(await root.OpenReadAsync("tenant-1/blobs/ab/abc", 0, null, CancellationToken.None).DefaultTimeout()));
        Assert.Null(await root.GetLengthAsync("blobs/ab/abc", CancellationToken.None).DefaultTimeout());
        Assert.Equal(new Uri("https://cdn.example.test/tenant-1/blobs/ab/abc"), prefixed.GetDirectUrl("blobs/ab/abc", TimeSpan.FromMinutes(5), "image/png", "inline"));
        await prefixed.DeleteAsync("blobs/ab/abc", CancellationToken.None).DefaultTimeout();
        Assert.Null(await root.GetLengthAsync("tenant-1/blobs/ab/abc", CancellationToken.None).DefaultTimeout());
    }

    [Theory]
    [InlineData(4L * 1024 * 1024, 64L * 1024 * 1024)]
    [InlineData(2L * 1024 * 1024 * 1024, 64L * 1024 * 1024)]
    [InlineData(16L * 1024 * 1024, 6L * 1024 * 1024 * 1024)]
    public void Part_sizes_and_thresholds_outside_what_s3_takes_are_refused(long partSize, long threshold)
    {
        var options = TestS3.CreateOptions();
        options.PartSize = partSize;
        options.MultipartThreshold = threshold;

        Assert.Throws<ArgumentOutOfRangeException>(() => new S3BlobStore(options));
    }
}
