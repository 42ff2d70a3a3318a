using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Roost.Testing.Push;

/// <summary>A service-account key file as Google issues it, with a fresh RSA 2048 key.</summary>
public sealed record FcmServiceAccount(string Json, string ClientEmail, string PrivateKeyId, string PublicKeyPem)
{
    public static FcmServiceAccount Create(string projectId, Uri tokenUri)
    {
        ArgumentNullException.ThrowIfNull(tokenUri);
        using var key = RSA.Create(2048);
        var email = $"roost-push@{projectId}.iam.gserviceaccount.com";
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = projectId,
            ["private_key_id"] = keyId,
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = email,
            ["client_id"] = "100000000000000000000",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = tokenUri.ToString(),
        }.ToJsonString();
        return new(json, email, keyId, key.ExportSubjectPublicKeyInfoPem());
    }

    // The JSON holds a private key.
    public override string ToString() => $"service account {ClientEmail}";
}
