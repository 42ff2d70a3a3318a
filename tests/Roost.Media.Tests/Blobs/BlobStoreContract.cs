using System.Security.Cryptography;
using Roost.Core.Media;
using Roost.Testing;

namespace Roost.Media.Tests.Blobs;

/// <summary>What every <see cref="IBlobStore"/> must do, run against each store by a subclass.</summary>
public abstract class BlobStoreContract : IAsyncLifetime
{
    private const string Key = "blobs/ab/abcdef0123";

    protected IBlobStore Store { get; private set; } = null!;

    /// <summary>A fresh, empty store for one test.</summary>
    protected abstract Task<IBlobStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public virtual ValueTask DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    protected static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    protected static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy).DefaultTimeout();
            return copy.ToArray();
        }
    }

    protected async Task PutAsync(string key, byte[] bytes)
    {
        using var content = new MemoryStream(bytes);
        await Store.PutAsync(key, content, bytes.Length, CancellationToken.None).DefaultTimeout();
    }

    protected async Task<byte[]> ReadAsync(string key, long offset = 0, long? length = null) =>
        await ReadAllAsync(await Store.OpenReadAsync(key, offset, length, CancellationToken.None).DefaultTimeout());

    /// <summary>Compares digests, not arrays: a failure names two hashes instead of dumping megabytes.</summary>
    protected static void AssertSameBytes(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), Convert.ToHexStringLower(SHA256.HashData(actual)));
    }

    [Fact]
    public async Task Put_then_read_returns_the_same_bytes()
    {
        var bytes = RandomBytes(300_000);
        await PutAsync(Key, bytes);

        Assert.Equal(bytes.Length, await Store.GetLengthAsync(Key, CancellationToken.None).DefaultTimeout());
        AssertSameBytes(bytes, await ReadAsync(Key));
    }

    [Fact]
    public async Task Putting_a_file_stores_its_bytes_and_consumes_it()
    {
        using var folder = new TempDirectory();
        var bytes = RandomBytes(200_000);
        var path = Path.Combine(folder.Path, "spooled.part");
        await File.WriteAllBytesAsync(path, bytes);

        await Store.PutFileAsync(Key, path, CancellationToken.None).DefaultTimeout();

        Assert.False(File.Exists(path));
        AssertSameBytes(bytes, await ReadAsync(Key));
    }

    [Fact]
    public async Task Ranges_read_the_first_middle_and_last_bytes()
    {
        var bytes = RandomBytes(100_000);
        await PutAsync(Key, bytes);

        AssertSameBytes(bytes[..10], await ReadAsync(Key, 0, 10));
        AssertSameBytes(bytes[40_000..45_000], await ReadAsync(Key, 40_000, 5_000));
        AssertSameBytes(bytes[99_000..], await ReadAsync(Key, 99_000));
        AssertSameBytes(bytes[99_990..], await ReadAsync(Key, 99_990, 500));
        Assert.Empty(await ReadAsync(Key, 500, 0));
    }

    [Fact]
    public async Task A_range_past_the_end_reads_nothing()
    {
        await PutAsync(Key, RandomBytes(100));

        Assert.Empty(await ReadAsync(Key, 200, 10));
        Assert.Empty(await ReadAsync(Key, 200));
    }

    [Fact]
    public async Task A_missing_object_has_no_length_and_cannot_be_read()
    {
        Assert.Null(await Store.GetLengthAsync("blobs/00/missing", CancellationToken.None).DefaultTimeout());
        var error = await Assert.ThrowsAsync<BlobNotFoundException>(() => Store.OpenReadAsync("blobs/00/missing", 0, null, CancellationToken.None).DefaultTimeout());
        Assert.Equal("blobs/00/missing", error.Key);
    }

    [Fact]
    public async Task Delete_removes_the_object_and_may_be_repeated()
    {
        await PutAsync(Key, RandomBytes(1_000));

        await Store.DeleteAsync(Key, CancellationToken.None).DefaultTimeout();
        await Store.DeleteAsync(Key, CancellationToken.None).DefaultTimeout();
        await Store.DeleteAsync("staging/never/written", CancellationToken.None).DefaultTimeout();

        Assert.Null(await Store.GetLengthAsync(Key, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task Writing_a_key_again_replaces_the_object()
    {
        await PutAsync(Key, RandomBytes(5_000));
        var second = RandomBytes(3_000);
        await PutAsync(Key, second);

        AssertSameBytes(second, await ReadAsync(Key));
    }

    [Fact]
    public async Task Writing_the_same_bytes_again_keeps_them()
    {
        // What content addressing does when two uploads of one file finish together.
        var bytes = RandomBytes(50_000);
        await PutAsync(Key, bytes);
        await PutAsync(Key, bytes);

        Assert.Equal(bytes.Length, await Store.GetLengthAsync(Key, CancellationToken.None).DefaultTimeout());
        AssertSameBytes(bytes, await ReadAsync(Key));
    }

    [Fact]
    public async Task An_empty_object_round_trips()
    {
        await PutAsync(Key, []);

        Assert.Equal(0, await Store.GetLengthAsync(Key, CancellationToken.None).DefaultTimeout());
        Assert.Empty(await ReadAsync(Key));
    }

    [Fact]
    public async Task A_forward_only_source_round_trips()
    {
        // What an HTTP request body is: no length, no rewinding.
        var bytes = RandomBytes(200_000);
        using var content = new ForwardOnlyStream(bytes);
        await Store.PutAsync(Key, content, bytes.Length, CancellationToken.None).DefaultTimeout();

        AssertSameBytes(bytes, await ReadAsync(Key));
    }

    [Theory]
    [InlineData(500, false)]
    [InlineData(500, true)]
    [InlineData(1_500, false)]
    [InlineData(1_500, true)]
    public async Task Content_of_another_length_fails_and_stores_nothing(int actual, bool forwardOnly)
    {
        var bytes = RandomBytes(actual);
        using var content = forwardOnly ? new ForwardOnlyStream(bytes) : new MemoryStream(bytes);

        await Assert.ThrowsAnyAsync<IOException>(() => Store.PutAsync(Key, content, 1_000, CancellationToken.None).DefaultTimeout());

        Assert.Null(await Store.GetLengthAsync(Key, CancellationToken.None).DefaultTimeout());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/blobs/ab")]
    [InlineData("blobs/../etc/passwd")]
    [InlineData("blobs//ab")]
    [InlineData("Blobs/AB")]
    [InlineData("blobs/ab cd")]
    [InlineData("blobs\\ab")]
    public async Task Keys_roost_does_not_make_are_refused(string key)
    {
        using var content = new MemoryStream([1, 2, 3]);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, content, 3, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetLengthAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key, 0, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key, CancellationToken.None));
    }

    /// <summary>A source that cannot seek, like a request body.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
