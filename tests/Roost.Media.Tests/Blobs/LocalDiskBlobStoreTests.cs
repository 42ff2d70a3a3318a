using Roost.Core.Media;
using Roost.Core.Storage;
using Roost.Testing;

namespace Roost.Media.Tests.Blobs;

/// <summary>The blob contract on a local directory, plus what only a directory has: file modes and local paths.</summary>
public sealed class LocalDiskBlobStoreTests : BlobStoreContract
{
    private readonly TempDirectory _temp = new();

    /// <summary>A root that does not exist yet: the store creates it (owner-only) on the first write.</summary>
    private string Root => Path.Combine(_temp.Path, "media");

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult<IBlobStore>(new LocalDiskBlobStore(Root));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public void It_is_one_nodes_local_store()
    {
        Assert.Equal("local", Store.Kind);
        Assert.False(Store.IsShared);
        Assert.Null(Store.GetDirectUrl("blobs/ab/abc", TimeSpan.FromMinutes(5), "image/png", "inline"));
    }

    [Fact]
    public async Task Objects_are_owner_only_files_in_owner_only_directories()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes only.");
            return;
        }

        await PutAsync("blobs/ab/abc", RandomBytes(10));

        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(Path.Combine(Root, "blobs", "ab", "abc")));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Path.Combine(Root, "blobs", "ab")));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Path.Combine(Root, "blobs")));
        Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(Root));
    }

    [Fact]
    public async Task A_file_put_in_place_is_owner_only_whatever_mode_it_was_made_with()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes only.");
            return;
        }

        var path = Path.Combine(_temp.Path, "thumbnail.jpg");
        await File.WriteAllBytesAsync(path, RandomBytes(100));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await Store.PutFileAsync("blobs/cd/cde", path, CancellationToken.None).DefaultTimeout();

        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(Path.Combine(Root, "blobs", "cd", "cde")));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Root, "blobs", "cd"), "*.tmp"));
    }

    [Fact]
    public async Task The_local_path_is_the_file_holding_the_bytes()
    {
        var bytes = RandomBytes(1_234);
        await PutAsync("staging/up1/000000000000000-aa", bytes);

        var path = Store.GetLocalPath("staging/up1/000000000000000-aa");

        Assert.Equal(Path.Combine(Root, "staging", "up1", "000000000000000-aa"), path);
        AssertSameBytes(bytes, await File.ReadAllBytesAsync(path!, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_wrong_length_is_an_io_error_and_leaves_no_file_behind()
    {
        using var shorter = new MemoryStream(RandomBytes(500));
        using var longer = new MemoryStream(RandomBytes(1_500));

        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("blobs/ab/short", shorter, 1_000, CancellationToken.None).DefaultTimeout());
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("blobs/ab/long", longer, 1_000, CancellationToken.None).DefaultTimeout());

        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(Root, "blobs", "ab")));
    }

    [Fact]
    public async Task A_ranged_read_is_seekable_within_its_range()
    {
        var bytes = RandomBytes(10_000);
        await PutAsync("blobs/ab/abc", bytes);

        await using var range = await Store.OpenReadAsync("blobs/ab/abc", 2_000, 3_000, CancellationToken.None).DefaultTimeout();

        Assert.True(range.CanSeek);
        Assert.Equal(3_000, range.Length);
        range.Seek(-100, SeekOrigin.End);
        AssertSameBytes(bytes[4_900..5_000], await ReadAllBytesAsync(range));
        range.Position = 0;
        AssertSameBytes(bytes[2_000..5_000], await ReadAllBytesAsync(range));
    }

    [Fact]
    public async Task Deleting_an_uploads_last_chunk_removes_its_staging_directory()
    {
        await PutAsync("staging/up1/000000000000000-aa", RandomBytes(10));
        await PutAsync("staging/up1/000000000000010-bb", RandomBytes(10));
        await PutAsync("blobs/ab/abc", RandomBytes(10));

        await Store.DeleteAsync("staging/up1/000000000000000-aa", CancellationToken.None).DefaultTimeout();
        Assert.True(Directory.Exists(Path.Combine(Root, "staging", "up1")));

        await Store.DeleteAsync("staging/up1/000000000000010-bb", CancellationToken.None).DefaultTimeout();
        Assert.False(Directory.Exists(Path.Combine(Root, "staging", "up1")));
        Assert.True(Directory.Exists(Path.Combine(Root, "staging")));

        await Store.DeleteAsync("blobs/ab/abc", CancellationToken.None).DefaultTimeout();
        Assert.True(Directory.Exists(Path.Combine(Root, "blobs", "ab")));

        // The upload's directory comes back for a chunk written after it went.
        await PutAsync("staging/up1/000000000000020-cc", RandomBytes(10));
        Assert.Equal(10, await Store.GetLengthAsync("staging/up1/000000000000020-cc", CancellationToken.None).DefaultTimeout());
    }

    private static async Task<byte[]> ReadAllBytesAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy).DefaultTimeout();
        return copy.ToArray();
    }
}
