namespace Roost.Testing.Push;

/// <summary>A notification the APNs receiver accepted: the device token, the request's headers and body.</summary>
public sealed record ApnsNotification(
    string DeviceToken,
    IReadOnlyDictionary<string, string> Headers,
    string ProviderToken,
    byte[] Body,
    DateTimeOffset ReceivedAt,
    string ConnectionId)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>Any request the APNs receiver answered, with the provider token it carried and the answer.</summary>
public sealed record ApnsAttempt(string DeviceToken, string? ProviderToken, int Status, string? Reason, string ConnectionId = "");
