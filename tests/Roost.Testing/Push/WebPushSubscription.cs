using System.Buffers.Text;

namespace Roost.Testing.Push;

/// <summary>What a browser's <c>PushSubscription.toJSON()</c> gives the app server: the endpoint and the two keys.</summary>
/// <param name="Id">The receiver's name for it (the endpoint's last segment).</param>
/// <param name="P256dh">The 65-byte uncompressed P-256 public key.</param>
/// <param name="Auth">The 16-byte authentication secret.</param>
public sealed record WebPushSubscription(string Id, string Endpoint, string Origin, byte[] P256dh, byte[] Auth)
{
    public string P256dhBase64Url => Base64Url.EncodeToString(P256dh);

    public string AuthBase64Url => Base64Url.EncodeToString(Auth);
}
