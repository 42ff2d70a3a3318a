using Roost.Core.Delivery;
using Roost.Core.Storage;

namespace Roost.Core.Admin;

/// <summary>Operators' changes to an account that end its sessions: the store removes them, then live connections close on every node.</summary>
public sealed class AdminService(IRoostStore store, IConnectionCloser connections)
{
    /// <summary>Disables (every session revoked) or re-enables an account; false when it does not exist.</summary>
    public async Task<bool> SetDisabledAsync(long accountId, DateTimeOffset? disabledAt, CancellationToken cancellationToken)
    {
        if (!await store.Admin.SetDisabledAsync(accountId, disabledAt, cancellationToken))
        {
            return false;
        }

        if (disabledAt is not null)
        {
            connections.CloseConnections(accountId, deviceId: null);
        }

        return true;
    }

    /// <summary>Signs every device of the account out; returns how many sessions there were.</summary>
    public async Task<int> RevokeSessionsAsync(long accountId, CancellationToken cancellationToken)
    {
        var revoked = await store.Admin.RevokeSessionsAsync(accountId, cancellationToken);
        connections.CloseConnections(accountId, deviceId: null);
        return revoked;
    }
}
