using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;

namespace Roost.Push.Fcm;

/// <summary>The fields of a Google service-account key file that the OAuth2 server-to-server flow needs.</summary>
internal sealed record FcmServiceAccount(string ProjectId, string PrivateKeyId, string PrivateKeyPem, string ClientEmail, Uri TokenUri)
{
    private const string DefaultTokenUri = "https://oauth2.googleapis.com/token";

    /// <summary>Reads the key file; <paramref name="problem"/> says what is wrong, never quoting the key.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out FcmServiceAccount? account, [NotNullWhen(false)] out string? problem)
    {
        account = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "type") != "service_account")
            {
                problem = "not a service-account key file (its \"type\" must be \"service_account\").";
                return false;
            }

            var fields = (Project: Text(root, "project_id"), KeyId: Text(root, "private_key_id"), Key: Text(root, "private_key"), Email: Text(root, "client_email"));
            if (fields.Project is null || fields.KeyId is null || fields.Key is null || fields.Email is null)
            {
                problem = "project_id, private_key_id, private_key and client_email are required.";
                return false;
            }

            if (!Uri.TryCreate(Text(root, "token_uri") ?? DefaultTokenUri, UriKind.Absolute, out var tokenUri) || tokenUri.Scheme != Uri.UriSchemeHttps)
            {
                problem = "token_uri must be an absolute https:// URL.";
                return false;
            }

            if (!IsRsaKey(fields.Key))
            {
                problem = "private_key must be an RSA private key as PEM.";
                return false;
            }

            account = new(fields.Project, fields.KeyId, fields.Key, fields.Email, tokenUri);
            problem = null;
            return true;
        }
        catch (JsonException)
        {
            problem = "not JSON.";
            return false;
        }
    }

    // A record would print the private key.
    public override string ToString() => $"service account {ClientEmail} of {ProjectId}";

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static bool IsRsaKey(string pem)
    {
        try
        {
            using var key = RSA.Create();
            key.ImportFromPem(pem);
            return true;
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
