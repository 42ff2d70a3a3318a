using Roost.Core.Accounts;
using Roost.Core.Delivery;
using Roost.Core.Storage;
using Roost.Storage.Tests.Engines;
using Roost.Testing;

namespace Roost.Storage.Tests.Postgres;

/// <summary>Several stores on one private PostgreSQL database, as several nodes would open it; all closed with it.</summary>
internal sealed class PostgresNodes : IAsyncDisposable
{
    private readonly PostgresEngine _engine = new();
    private readonly List<IRoostStore> _stores = [];

    public async Task<IRoostStore> OpenAsync(ICommittedEventListener? listener = null)
    {
        var store = await _engine.OpenAsync(TimeProvider.System, listener).DefaultTimeout();
        _stores.Add(store);
        return store;
    }

    public static async Task<Account> CreateAccountAsync(IRoostStore store, string username, DateTimeOffset now) =>
        (await store.Accounts.CreateAsync(new NewAccount(username, Username.Normalize(username), "pbkdf2-sha256$1$AA==$AA==", username, now), CancellationToken.None).DefaultTimeout())!;

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await _engine.DisposeAsync();
    }
}
