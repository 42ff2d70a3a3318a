using Roost.Core.RateLimiting;
using Roost.Core.Storage;

namespace Roost.Core.Sessions;

/// <summary>Log-in attempts counted in the store's attempt counters, on the injected clock.</summary>
public sealed class StoreLoginAttemptCounter(IRoostStore store, TimeProvider time) : ILoginAttemptCounter
{
    public Task<AttemptTake> TryTakeAsync(string key, AttemptWindow limit, CancellationToken cancellationToken) =>
        store.Counters.TryTakeAsync(key, limit, time.GetStoredNow(), cancellationToken);
}
