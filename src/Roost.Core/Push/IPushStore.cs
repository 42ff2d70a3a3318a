namespace Roost.Core.Push;

/// <summary>
/// Push targets and the durable push queue. Jobs are written by the message append in its own transaction (each
/// engine's message store calls its queue writer with <see cref="PushAudience.For"/>), so a crash between the commit
/// and the push loses nothing.
/// </summary>
public interface IPushStore
{
    /// <summary>
    /// Sets the device's target, replacing the one it had. The same token (or endpoint) registered by another device
    /// before (a reinstall, another account on the same phone) is taken from that device, so pushes never reach the
    /// wrong account. False when the device no longer exists.
    /// </summary>
    Task<bool> RegisterAsync(PushTarget target, CancellationToken cancellationToken);

    Task<PushTarget?> GetAsync(long deviceId, CancellationToken cancellationToken);

    /// <summary>Removes the device's target and its queued jobs; false when it had none.</summary>
    Task<bool> UnregisterAsync(long deviceId, CancellationToken cancellationToken);

    /// <summary>The account's opt-in to message previews in pushes.</summary>
    Task SetPreviewsAsync(long accountId, bool previews, CancellationToken cancellationToken);

    Task<bool> GetPreviewsAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="limit"/> due jobs for targets on <paramref name="platforms"/> until
    /// <paramref name="leaseUntil"/>: at most one per device, and none for a device whose earlier push is still
    /// unanswered (leased). Several nodes may claim at once; each job goes to one of them.
    /// </summary>
    Task<IReadOnlyList<PushJob>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, IReadOnlyCollection<PushPlatform> platforms, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the dispatcher's decision to a claimed job, if it is still held under the job's lease (a lease that
    /// ran out and was claimed again belongs to the new claim). A job given up or skipped while newer messages were
    /// coalesced into it stays pending for them.
    /// </summary>
    Task CompleteAsync(PushJob job, PushCompletion completion, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// A device connected and synced up to <paramref name="syncedCursor"/>: its queued pushes for what it has now
    /// are no longer needed (dead letters stay for operators; newer messages still push if it goes away).
    /// </summary>
    Task CancelForDeviceAsync(long deviceId, long syncedCursor, CancellationToken cancellationToken);

    /// <summary>The earliest due time of a pending job, or null when the queue is empty (the dispatcher sleeps until then).</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    Task<PushQueueStats> GetStatsAsync(int recentDead, CancellationToken cancellationToken);
}
