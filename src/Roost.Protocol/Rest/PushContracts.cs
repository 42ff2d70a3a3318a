namespace Roost.Protocol.Rest;

/// <summary>
/// PUT /v1/push/target: where this session's pushes go. APNs: <see cref="Token"/> (hex), <see cref="Topic"/> (bundle
/// id), <see cref="Environment"/> (production or sandbox), <see cref="Voip"/>. FCM: <see cref="Token"/> and optionally
/// <see cref="ProjectId"/>. Web Push: <see cref="Endpoint"/> and <see cref="Keys"/>, as in the browser's
/// <c>PushSubscription.toJSON()</c> (its <c>expirationTime</c> is accepted and ignored).
/// </summary>
public sealed record PushTargetRequest(
    string? Platform,
    string? Token = null,
    string? Topic = null,
    string? Environment = null,
    bool? Voip = null,
    string? ProjectId = null,
    string? Endpoint = null,
    PushSubscriptionKeys? Keys = null,
    long? ExpirationTime = null);

public sealed record PushSubscriptionKeys(string? P256dh, string? Auth);

/// <summary>The session's push target. Tokens and keys are not echoed: they are the device's.</summary>
/// <param name="App">APNs topic, FCM project, or the Web Push service's origin.</param>
public sealed record PushTargetResponse(string Platform, string App, string? Environment, bool Voip, DateTimeOffset RegisteredAt);

/// <summary>GET /v1/push/vapid-key: the server's VAPID public key (base64url, 65-byte uncompressed P-256 point), for <c>pushManager.subscribe({applicationServerKey})</c>.</summary>
public sealed record VapidKeyResponse(string PublicKey);

/// <summary>PUT/GET /v1/push/settings: whether pushes to this account's devices carry a preview (sender and start of the text).</summary>
public sealed record PushSettingsRequest(bool? Previews);

public sealed record PushSettingsResponse(bool Previews);

/// <summary>GET /v1/admin/push: the queue, this node's senders and every partition's breaker.</summary>
public sealed record AdminPushResponse(
    long Pending,
    long InFlight,
    long DeadLetters,
    long Targets,
    long Accepted,
    long Retried,
    long TargetsRemoved,
    long GivenUp,
    long SkippedOnline,
    IReadOnlyList<AdminPushProviderResponse> Providers,
    IReadOnlyList<AdminPushBreakerResponse> Breakers,
    IReadOnlyList<AdminPushDeadLetterResponse> RecentDeadLetters);

public sealed record AdminPushProviderResponse(string Platform, int InFlight, int PeakInFlight, int MaxConcurrency);

public sealed record AdminPushBreakerResponse(string Partition, string State, int ConsecutiveFailures, DateTimeOffset? OpenUntil, string? LastError);

public sealed record AdminPushDeadLetterResponse(long DeviceId, long ConversationId, long Seq, string Platform, string App, int Attempts, string Error, DateTimeOffset At);
