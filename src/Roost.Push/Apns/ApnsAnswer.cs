using System.Text.Json;
using Roost.Core.Push;

namespace Roost.Push.Apns;

/// <summary>What one POST to APNs came back with (<see cref="Status"/> 0: no answer), and what the dispatcher does about it.</summary>
internal readonly record struct ApnsAnswer(int Status, string Reason, long? Timestamp = null, TimeSpan? RetryAfter = null)
{
    public static readonly ApnsAnswer Ok = new(200, "accepted");

    public bool ProviderTokenExpired => Status == 403 && Reason == "ExpiredProviderToken";

    public static ApnsAnswer NoAnswer(string reason) => new(0, reason);

    /// <summary>An error answer: <c>{"reason":"…"}</c>, with <c>"timestamp"</c> on 410.</summary>
    public static ApnsAnswer Parse(int status, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        string? reason = null;
        long? timestamp = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (document.RootElement.TryGetProperty("reason", out var value) && value.ValueKind == JsonValueKind.String)
                {
                    reason = value.GetString();
                }

                if (document.RootElement.TryGetProperty("timestamp", out value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var at))
                {
                    timestamp = at;
                }
            }
        }
        catch (JsonException)
        {
            // An answer without a readable body is still an answer: its status decides.
        }

        return new(status, string.IsNullOrEmpty(reason) ? $"HTTP {status}" : reason, timestamp, retryAfter);
    }

    public PushOutcome ToOutcome() => Status switch
    {
        0 => PushOutcome.PartitionFailed(Reason),
        200 => PushOutcome.Accepted,

        // Unregistered or ExpiredToken: the token is dead unless the device registered again after the timestamp.
        410 => PushOutcome.Gone(Reason, InvalidatedAt()),
        400 when Reason is "BadDeviceToken" or "DeviceTokenNotForTopic" or "TopicDisallowed" => PushOutcome.Gone(Reason),

        // Our provider token or key is refused: every push of this key fails alike, and no device token is to blame.
        403 => PushOutcome.PartitionFailed(Reason),

        // Too many token changes make the connection unusable for a while; too many requests is about one device.
        429 when Reason == "TooManyProviderTokenUpdates" => PushOutcome.PartitionFailed(Reason, RetryAfter),
        429 => PushOutcome.Retry(Reason, RetryAfter),
        >= 500 => PushOutcome.PartitionFailed(Reason, RetryAfter),

        // The rest of 4xx are requests APNs will never take (a bug here, or a payload too large): no retry.
        >= 400 => PushOutcome.Rejected(Reason),
        _ => PushOutcome.PartitionFailed(Reason),
    };

    /// <summary>
    /// The 410 <c>timestamp</c> is taken as milliseconds since the Unix epoch, the unit the provider API gives for it
    /// (unchecked against a live APNs here; some clients read seconds). A value out of range is dropped, not guessed.
    /// </summary>
    private DateTimeOffset? InvalidatedAt() =>
        Timestamp is { } ms && ms >= 0 && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
