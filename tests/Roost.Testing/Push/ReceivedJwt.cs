using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace Roost.Testing.Push;

/// <summary>A compact JWS as a receiver takes it apart: header and claims as JSON, the signed bytes and the signature.</summary>
internal sealed record ReceivedJwt(JsonElement Header, JsonElement Claims, byte[] SignedBytes, byte[] Signature)
{
    public static bool TryParse(string? token, [NotNullWhen(true)] out ReceivedJwt? jwt)
    {
        jwt = null;
        var parts = token?.Split('.');
        if (parts is not { Length: 3 })
        {
            return false;
        }

        try
        {
            var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement.Clone();
            var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone();
            if (header.ValueKind != JsonValueKind.Object || claims.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            jwt = new(header, claims, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]));
            return true;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return false;
        }
    }

    public string? HeaderText(string name) => Text(Header, name);

    public string? ClaimText(string name) => Text(Claims, name);

    /// <summary>A numeric claim (iat, exp) as Unix seconds.</summary>
    public long? ClaimSeconds(string name) =>
        Claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) ? seconds : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
