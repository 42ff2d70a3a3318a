using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Roost.Push.Http;

/// <summary>A compact JWS (RFC 7515): base64url header and claims, signed by the caller's algorithm.</summary>
internal static class Jwt
{
    public static string Create(Action<Utf8JsonWriter> header, Action<Utf8JsonWriter> claims, Func<byte[], byte[]> sign)
    {
        var signed = Base64Url.EncodeToString(Object(header)) + "." + Base64Url.EncodeToString(Object(claims));
        return signed + "." + Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(signed)));
    }

    private static byte[] Object(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
