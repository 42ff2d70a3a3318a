using Microsoft.Extensions.Logging.Abstractions;
using Roost.Storage.Sqlite;
using Roost.Testing;

namespace Roost.Storage.Tests.Sqlite;

/// <summary>The batching writer: one failing operation is rolled back alone; a closing store finishes what it accepted.</summary>
public sealed class SqliteWriterTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private SqliteStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteStore(new SqliteStoreOptions { DataDirectory = _directory.Path, MaxWriteBatch = 64 }, TimeProvider.System, NullLogger<SqliteStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        await _store.WriteAsync(c => c.Command("CREATE TABLE probe (value INTEGER NOT NULL)").ExecuteNonQuery(), CancellationToken.None).DefaultTimeout();
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task An_operation_that_throws_anything_is_rolled_back_alone_and_its_batch_neighbours_commit()
    {
        var writes = Enumerable.Range(0, 30).Select(i => _store.WriteAsync(context =>
        {
            Insert(context, i);
            if (i % 3 == 0)
            {
                throw new KeyNotFoundException("operation " + i + " fails after writing");
            }

            return i;
        }, CancellationToken.None)).ToList();

        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                return await w;
            }
            catch (KeyNotFoundException)
            {
                return -1;
            }
        })).DefaultTimeout();

        Assert.Equal(10, outcomes.Count(o => o == -1));
        Assert.Equal(Enumerable.Range(0, 30).Where(i => i % 3 != 0), await ReadValuesAsync());
    }

    [Fact]
    public async Task Closing_the_store_commits_every_write_it_already_accepted()
    {
        var writes = Enumerable.Range(0, 200).Select(i => _store.WriteAsync(context => Insert(context, i), CancellationToken.None)).ToList();

        await _store.DisposeAsync().DefaultTimeout();
        await Task.WhenAll(writes).DefaultTimeout();

        _store = new SqliteStore(new SqliteStoreOptions { DataDirectory = _directory.Path }, TimeProvider.System, NullLogger<SqliteStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        Assert.Equal(200, (await ReadValuesAsync()).Count);
    }

    [Fact]
    public async Task A_write_after_closing_is_refused_not_lost_silently()
    {
        await _store.DisposeAsync().DefaultTimeout();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => _store.WriteAsync(context => Insert(context, 1), CancellationToken.None)).DefaultTimeout();
    }

    [Fact]
    public async Task A_write_cancelled_before_it_runs_does_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.WriteAsync(context => Insert(context, 7), cancelled.Token)).DefaultTimeout();

        Assert.Empty(await ReadValuesAsync());
    }

    private static int Insert(SqliteWriteContext context, int value)
    {
        var command = context.Command("INSERT INTO probe (value) VALUES ($value)");
        command.Parameters.AddWithValue("$value", value);
        return command.ExecuteNonQuery();
    }

    private Task<List<int>> ReadValuesAsync() =>
        _store.ReadSnapshotAsync(session =>
        {
            using var reader = session.Command("SELECT value FROM probe ORDER BY value").ExecuteReader();
            var values = new List<int>();
            while (reader.Read())
            {
                values.Add(reader.GetInt32(0));
            }

            return values;
        }, CancellationToken.None);
}
