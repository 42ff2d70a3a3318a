using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Roost.Push.WebPush;
using Roost.Testing.Push;

namespace Roost.Push.Tests;

public sealed class WebPushEncryptionTests
{
    // RFC 8291 §5 and Appendix A.
    private const string Plaintext = "When I grow up, I want to be a watermelon";
    private const string SenderPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private const string SenderPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private const string UserAgentPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private const string UserAgentPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private const string Salt = "DGv6ra1nlYgDCS1FRnbzlw";
    private const string AuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
    private const string Body =
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    [Fact]
    public void The_RFC_8291_test_vector_encrypts_to_its_144_byte_body()
    {
        using var sender = KeyPair(SenderPrivate, SenderPublic);

        var body = WebPushEncryption.Encrypt(
            Decode(UserAgentPublic), Decode(AuthSecret), Encoding.UTF8.GetBytes(Plaintext), padTo: 0, sender, Decode(Salt));

        Assert.Equal(144, body.Length);
        Assert.Equal(Body, Base64Url.EncodeToString(body));
    }

    [Fact]
    public void The_RFC_8291_body_decrypts_to_its_plaintext_on_the_user_agent_side()
    {
        using var userAgent = KeyPair(UserAgentPrivate, UserAgentPublic);

        var plaintext = WebPushDecryption.Decrypt(userAgent, Decode(AuthSecret), Decode(Body));

        Assert.Equal(Plaintext, Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public void A_fresh_encryption_round_trips_with_a_new_salt_and_sender_key_each_time()
    {
        using var userAgent = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var auth = RandomNumberGenerator.GetBytes(16);
        var payload = Encoding.UTF8.GetBytes("""{"type":"message","conversation":42}""");

        var first = WebPushEncryption.Encrypt(WebPushDecryption.ExportPoint(userAgent), auth, payload);
        var second = WebPushEncryption.Encrypt(WebPushDecryption.ExportPoint(userAgent), auth, payload);

        Assert.NotEqual(first.AsSpan(0, 86).ToArray(), second.AsSpan(0, 86).ToArray());
        Assert.Equal(payload, WebPushDecryption.Decrypt(userAgent, auth, first));
        Assert.Equal(payload, WebPushDecryption.Decrypt(userAgent, auth, second));
    }

    [Fact]
    public void Padding_makes_every_body_the_same_length_and_is_removed_by_the_user_agent()
    {
        using var userAgent = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var auth = RandomNumberGenerator.GetBytes(16);
        var point = WebPushDecryption.ExportPoint(userAgent);

        var shortBody = WebPushEncryption.Encrypt(point, auth, "hi"u8, padTo: 1000);
        var longBody = WebPushEncryption.Encrypt(point, auth, new byte[999], padTo: 1000);

        Assert.Equal(WebPushEncryption.HeaderLength + 1000 + 1 + WebPushEncryption.TagLength, shortBody.Length);
        Assert.Equal(shortBody.Length, longBody.Length);
        Assert.Equal("hi"u8.ToArray(), WebPushDecryption.Decrypt(userAgent, auth, shortBody));
    }

    [Fact]
    public void The_largest_payload_fills_exactly_4096_bytes_and_one_more_byte_is_refused()
    {
        using var userAgent = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var auth = RandomNumberGenerator.GetBytes(16);
        var point = WebPushDecryption.ExportPoint(userAgent);

        Assert.Equal(4096, WebPushEncryption.Encrypt(point, auth, new byte[3993]).Length);
        Assert.Throws<ArgumentException>(() => WebPushEncryption.Encrypt(point, auth, new byte[3994]));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebPushEncryption.Encrypt(point, auth, "x"u8, padTo: 3994));
    }

    [Fact]
    public void Keys_that_are_not_a_P256_point_and_a_16_byte_secret_are_refused()
    {
        using var userAgent = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var point = WebPushDecryption.ExportPoint(userAgent);
        var offCurve = point.ToArray();
        offCurve[^1] ^= 1;

        Assert.Throws<ArgumentException>(() => WebPushEncryption.Encrypt(point.AsSpan(0, 33), new byte[16], "x"u8));
        Assert.Throws<ArgumentException>(() => WebPushEncryption.Encrypt(offCurve, new byte[16], "x"u8));
        Assert.Throws<ArgumentException>(() => WebPushEncryption.Encrypt(point, new byte[15], "x"u8));
    }

    private static ECDiffieHellman KeyPair(string privateKey, string publicKey)
    {
        var point = Decode(publicKey);
        return ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = Decode(privateKey),
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
    }

    private static byte[] Decode(string base64Url) => Base64Url.DecodeFromChars(base64Url);
}
