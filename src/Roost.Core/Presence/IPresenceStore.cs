namespace Roost.Core.Presence;

public sealed record PresenceRecord(long AccountId, DateTimeOffset? LastSeenAt, bool Hidden);

/// <summary>Last-seen times and the per-account choice to hide presence.</summary>
public interface IPresenceStore
{
    Task SetLastSeenAsync(long accountId, DateTimeOffset lastSeenAt, CancellationToken cancellationToken);

    Task SetHiddenAsync(long accountId, bool hidden, CancellationToken cancellationToken);

    Task<IReadOnlyList<PresenceRecord>> GetAsync(IReadOnlyList<long> accountIds, CancellationToken cancellationToken);
}
