namespace Roost.Testing.Push;

/// <summary>A push the receiver accepted: it verified and decrypted it.</summary>
/// <param name="Headers">Every request header, by lower-case name.</param>
/// <param name="BodyLength">The encrypted body's length, padding included.</param>
/// <param name="Protocol">HTTP/1.1 or HTTP/2.</param>
public sealed record ReceivedPush(
    string SubscriptionId,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Plaintext,
    int BodyLength,
    VapidClaims Vapid,
    string Protocol,
    DateTimeOffset ReceivedAt)
{
    public string? Ttl => Headers.GetValueOrDefault("ttl");

    public string? Urgency => Headers.GetValueOrDefault("urgency");

    public string? Topic => Headers.GetValueOrDefault("topic");
}
