namespace Roost.Core.Delivery;

/// <summary>
/// Each user's event stream: read after a cursor, and compact what is older than the retention window.
/// <para>
/// Every engine keeps <b>the ordering rule</b>: a reader or publisher never sees cursor N before every event that will
/// ever get a cursor below N is visible, however many writers (processes, nodes) commit to one database. Cursors
/// strictly increase in commit-visibility order; they need not be dense. (SQLite: one writer. PostgreSQL: event ids
/// are drawn only under one advisory lock held until commit. docs/ARCHITECTURE.md, "The ordering rule".)
/// </para>
/// </summary>
public interface IEventStore
{
    /// <summary>The newest cursor of any event. A client that syncs from it receives only what comes later.</summary>
    Task<long> GetHeadCursorAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Events for <paramref name="accountId"/> with a cursor above <paramref name="afterCursor"/>, oldest first, at most
    /// <paramref name="limit"/>. Null when <paramref name="afterCursor"/> is older than the compaction horizon: the client must resync.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>?> ReadAfterAsync(long accountId, long afterCursor, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes events created before <paramref name="olderThan"/> (at most <paramref name="maxEvents"/>) and raises the horizon. Returns how many went.</summary>
    Task<int> CompactAsync(DateTimeOffset olderThan, int maxEvents, CancellationToken cancellationToken);
}
