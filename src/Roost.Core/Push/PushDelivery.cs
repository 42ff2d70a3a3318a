namespace Roost.Core.Push;

/// <summary>How soon a push should reach the device (RFC 8030 Urgency, APNs priority, FCM priority).</summary>
public enum PushUrgency
{
    Normal,
    High,
}

/// <summary>
/// One push as a sender needs it: the target, the payload already built by <see cref="PushPayloads"/>, and the
/// provider-neutral options each sender maps to its own headers.
/// </summary>
/// <param name="CollapseKey">At most one undelivered push per key on the device: APNs <c>apns-collapse-id</c>, FCM <c>collapse_key</c>, Web Push <c>Topic</c>. Base64url characters, at most 32.</param>
/// <param name="TimeToLive">How long the provider may keep it for an unreachable device (APNs <c>apns-expiration</c>, FCM <c>ttl</c>, Web Push <c>TTL</c>).</param>
/// <param name="Id">A fresh UUID per attempt (APNs <c>apns-id</c>), for the logs on both sides.</param>
public sealed record PushDelivery(
    PushTarget Target,
    ReadOnlyMemory<byte> Payload,
    string CollapseKey,
    TimeSpan TimeToLive,
    PushUrgency Urgency,
    Guid Id);

/// <summary>What happened to one push attempt, as the dispatcher acts on it.</summary>
public enum PushOutcomeKind
{
    /// <summary>The provider accepted it.</summary>
    Accepted,

    /// <summary>Try again later (429, 5xx, a timeout): the push itself was fine.</summary>
    Retry,

    /// <summary>The token or subscription is dead (APNs 410/BadDeviceToken, FCM UNREGISTERED, Web Push 404/410): remove the target.</summary>
    TargetGone,

    /// <summary>The provider refused this push for good (a payload or request it will never accept): dead-letter it.</summary>
    Rejected,

    /// <summary>
    /// The partition itself is failing (our credentials refused, the service unreachable): counts against the
    /// partition's breaker, and the push is tried again later.
    /// </summary>
    PartitionFailure,
}

/// <param name="RetryAfter">The provider's <c>Retry-After</c>, when it gave one.</param>
/// <param name="InvalidatedAt">APNs 410: when APNs last knew the token to be invalid; a registration after it keeps the target.</param>
/// <param name="Reason">The provider's reason (for operators; never a token or payload).</param>
public sealed record PushOutcome(PushOutcomeKind Kind, string Reason, TimeSpan? RetryAfter = null, DateTimeOffset? InvalidatedAt = null)
{
    public static readonly PushOutcome Accepted = new(PushOutcomeKind.Accepted, "accepted");

    public static PushOutcome Retry(string reason, TimeSpan? retryAfter = null) => new(PushOutcomeKind.Retry, reason, retryAfter);

    public static PushOutcome Gone(string reason, DateTimeOffset? invalidatedAt = null) => new(PushOutcomeKind.TargetGone, reason, InvalidatedAt: invalidatedAt);

    public static PushOutcome Rejected(string reason) => new(PushOutcomeKind.Rejected, reason);

    public static PushOutcome PartitionFailed(string reason, TimeSpan? retryAfter = null) => new(PushOutcomeKind.PartitionFailure, reason, retryAfter);
}

/// <summary>
/// Sends pushes to one provider over its real wire format. Never throws for what the provider answers or for a
/// network failure: every result is a <see cref="PushOutcome"/>. Thread-safe; called concurrently up to the
/// dispatcher's limit for the provider.
/// </summary>
public interface IPushSender
{
    PushPlatform Platform { get; }

    /// <summary>Whether this sender can send for the app (an APNs topic or FCM project it has credentials for; any origin for Web Push).</summary>
    bool Serves(string app);

    Task<PushOutcome> SendAsync(PushDelivery delivery, CancellationToken cancellationToken);
}
