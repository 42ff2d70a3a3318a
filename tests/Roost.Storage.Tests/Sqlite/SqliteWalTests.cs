using Microsoft.Extensions.Logging.Abstractions;
using Roost.Storage.Sqlite;
using Roost.Testing;

namespace Roost.Storage.Tests.Sqlite;

/// <summary>The WAL stays bounded: past its limit the writer starts it over, and the file is trimmed back.</summary>
public sealed class SqliteWalTests : IAsyncLifetime
{
    private const long MaxWalBytes = 512 * 1024;
    private const long WalBytesAfterRestart = 128 * 1024;
    private readonly TempDirectory _directory = new();
    private SqliteStore _store = null!;

    private string WalPath => Path.Combine(_directory.Path, "roost.db-wal");

    public async ValueTask InitializeAsync()
    {
        // Manual time: the checkpointer's own schedule never fires, the test runs each checkpoint.
        _store = new SqliteStore(
            new SqliteStoreOptions { DataDirectory = _directory.Path, MaxWalBytes = MaxWalBytes, WalBytesAfterRestart = WalBytesAfterRestart },
            new ManualTimeProvider(DateTimeOffset.Parse("2026-12-02T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
            NullLogger<SqliteStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        await _store.WriteAsync(c => c.Command("CREATE TABLE blobs (data BLOB NOT NULL)").ExecuteNonQuery(), CancellationToken.None).DefaultTimeout();
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_wal_past_its_limit_is_started_over_at_the_next_write_and_trimmed()
    {
        // About 1 MiB of pages and no checkpoint in between (the schedule never fires): the WAL grows past its limit.
        for (var i = 0; i < 16; i++)
        {
            await WriteBlobAsync(64 * 1024);
        }

        Assert.True(new FileInfo(WalPath).Length > MaxWalBytes);

        // The checkpoint copies every frame and finds the WAL too large; the next write starts it over and trims the file.
        var checkpointer = _store.Checkpointer!;
        checkpointer.Checkpoint();
        await WriteBlobAsync(100);

        Assert.True(new FileInfo(WalPath).Length <= WalBytesAfterRestart, $"WAL is {new FileInfo(WalPath).Length} bytes");
        Assert.Equal(17, await CountAsync());
    }

    [Fact]
    public async Task A_restart_is_asked_for_once_per_checkpoint_that_finds_the_wal_too_large()
    {
        var checkpointer = _store.Checkpointer!;
        checkpointer.Checkpoint();
        Assert.False(checkpointer.TakeRestartRequest());

        for (var i = 0; i < 16; i++)
        {
            await WriteBlobAsync(64 * 1024);
        }

        checkpointer.Checkpoint();
        Assert.True(checkpointer.TakeRestartRequest());
        Assert.False(checkpointer.TakeRestartRequest());
    }

    private Task<int> WriteBlobAsync(int bytes) =>
        _store.WriteAsync(c =>
        {
            var insert = c.Command("INSERT INTO blobs (data) VALUES ($data)");
            insert.Parameters.AddWithValue("$data", new byte[bytes]);
            return insert.ExecuteNonQuery();
        }, CancellationToken.None).DefaultTimeout();

    private Task<long> CountAsync() =>
        _store.ReadSnapshotAsync(session => (long)session.Command("SELECT count(*) FROM blobs").ExecuteScalar()!, CancellationToken.None);
}
