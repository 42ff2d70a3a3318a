using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Roost.Push.WebPush;
using Roost.Testing;
using Roost.Testing.Push;

namespace Roost.Push.Tests;

public sealed class WebPushVapidTests
{
    // RFC 8292 §2.4.
    private const string ExampleToken =
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5uZXQiLCJleHAiOjE0NTM1MjM3NjgsInN1YiI6Im1haWx0bzpwdXNoQGV4YW1wbGUuY29tIn0.i3CYb7t4xfxCDquptFOepC9GAu_HLGkMlMuCGSK2rpiUfnK9ojFwDXb1JrErtmysazNjjvW2L9OkSSHzvoD1oA";

    private const string ExampleKey = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs";

    [Fact]
    public void The_RFC_8292_example_token_verifies_with_its_key()
    {
        var parts = ExampleToken.Split('.');
        var point = Base64Url.DecodeFromChars(ExampleKey);
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });

        Assert.True(key.VerifyData(
            Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]),
            Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        // The receiver's verifier agrees, at a time before the example's exp.
        var check = VapidVerifier.Verify($"vapid t={ExampleToken}, k={ExampleKey}", "https://push.example.net", DateTimeOffset.FromUnixTimeSeconds(1453523768 - 3600));
        Assert.Equal(new VapidClaims("https://push.example.net", DateTimeOffset.FromUnixTimeSeconds(1453523768), "mailto:push@example.com", ExampleKey), check.Claims);
    }

    [Fact]
    public void The_signers_token_verifies_and_its_audience_keeps_a_non_default_port()
    {
        var time = new ManualTimeProvider();
        using var keys = VapidKeys.Create();
        var signer = new VapidSigner(keys, "mailto:ops@example.com", TimeSpan.FromHours(12), time);

        var header = signer.AuthorizationFor(new Uri("https://push.example.net:8443/push/abc?x=1"));
        var check = VapidVerifier.Verify(header, "https://push.example.net:8443", time.GetUtcNow());

        Assert.Equal(new VapidClaims("https://push.example.net:8443", time.GetUtcNow() + TimeSpan.FromHours(12), "mailto:ops@example.com", keys.PublicKeyBase64Url), check.Claims);
        Assert.Equal(["typ", "alg"], JsonDocument.Parse(Base64Url.DecodeFromChars(header["vapid t=".Length..].Split('.')[0])).RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(403, VapidVerifier.Verify(header, "https://push.example.net", time.GetUtcNow()).Status);
    }

    [Theory]
    [InlineData("https://push.example.net/p/1", "https://push.example.net")]
    [InlineData("https://push.example.net:443/p/1", "https://push.example.net")]
    [InlineData("https://PUSH.Example.NET:8443/p/1", "https://push.example.net:8443")]
    [InlineData("http://127.0.0.1:5000/push/x", "http://127.0.0.1:5000")]
    [InlineData("http://127.0.0.1:80/push/x", "http://127.0.0.1")]
    [InlineData("https://[2001:db8::1]:444/p", "https://[2001:db8::1]:444")]
    public void The_audience_is_the_endpoints_origin(string endpoint, string origin) =>
        Assert.Equal(origin, WebPushEndpoint.Origin(new Uri(endpoint)));

    [Fact]
    public void One_token_per_audience_is_reused_until_an_hour_before_it_expires()
    {
        var time = new ManualTimeProvider();
        using var keys = VapidKeys.Create();
        var signer = new VapidSigner(keys, "https://example.com/contact", TimeSpan.FromHours(12), time);
        var endpoint = new Uri("https://push.example.net/a");

        var first = signer.AuthorizationFor(endpoint);
        Assert.NotEqual(first, signer.AuthorizationFor(new Uri("https://other.example.net/a")));
        time.Advance(TimeSpan.FromHours(10.9));
        Assert.Equal(first, signer.AuthorizationFor(new Uri("https://push.example.net/b")));
        time.Advance(TimeSpan.FromHours(0.2));
        var renewed = signer.AuthorizationFor(endpoint);

        Assert.NotEqual(first, renewed);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromHours(12), VapidVerifier.Verify(renewed, "https://push.example.net", time.GetUtcNow()).Claims!.Expires);
    }

    [Theory]
    [InlineData("", 12)]
    [InlineData("ops@example.com", 12)]
    [InlineData("http://example.com", 12)]
    [InlineData("mailto:ops@example.com", 25)]
    [InlineData("mailto:ops@example.com", 0)]
    public void A_signer_needs_a_contact_and_a_lifetime_of_at_most_24_hours(string subject, int hours)
    {
        using var keys = VapidKeys.Create();
        Assert.Throws<ArgumentException>(() => new VapidSigner(keys, subject, TimeSpan.FromHours(hours), TimeProvider.System));
    }

    [Fact]
    public void Derived_keys_are_the_same_for_one_seed_and_differ_between_seeds()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        var otherSeed = seed.ToArray();
        otherSeed[0] ^= 1;

        using var first = VapidKeys.Derive(seed);
        using var again = VapidKeys.Derive(seed);
        using var other = VapidKeys.Derive(otherSeed);

        Assert.Equal(first.PublicKeyBase64Url, again.PublicKeyBase64Url);
        Assert.Equal(first.ExportPrivateKey(), again.ExportPrivateKey());
        Assert.NotEqual(first.PublicKeyBase64Url, other.PublicKeyBase64Url);
        Assert.Equal(65, first.PublicKey.Length);
        Assert.Throws<ArgumentException>(() => VapidKeys.Derive(new byte[31]));
    }

    [Fact]
    public void A_derived_key_is_fixed_by_its_definition()
    {
        // HKDF-Expand(seed, "roost vapid v1" || 0x00, 32) is in range for this seed: the key is that scalar.
        var seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var expected = HKDF.Expand(HashAlgorithmName.SHA256, seed, 32, [.. "roost vapid v1"u8, 0]);

        using var keys = VapidKeys.Derive(seed);

        Assert.Equal(expected, keys.ExportPrivateKey());
    }

    [Fact]
    public void A_private_scalar_gives_its_public_key_and_the_key_survives_both_PEM_forms()
    {
        // The RFC 8291 vector's sender key pair.
        using var keys = VapidKeys.FromPrivateKey(Base64Url.DecodeFromChars("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"));
        Assert.Equal("BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8", keys.PublicKeyBase64Url);

        using var fromPkcs8 = VapidKeys.FromPem(keys.ExportPkcs8Pem());
        using var sec1 = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = keys.ExportPrivateKey() });
        using var fromSec1 = VapidKeys.FromPem(sec1.ExportECPrivateKeyPem());

        Assert.Equal(keys.PublicKeyBase64Url, fromPkcs8.PublicKeyBase64Url);
        Assert.Equal(keys.PublicKeyBase64Url, fromSec1.PublicKeyBase64Url);
    }

    [Fact]
    public void Scalars_out_of_range_and_keys_on_other_curves_are_refused()
    {
        var order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<ArgumentException>(() => VapidKeys.FromPrivateKey(new byte[32]));
        Assert.Throws<ArgumentException>(() => VapidKeys.FromPrivateKey(order));
        Assert.Throws<ArgumentException>(() => VapidKeys.FromPrivateKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => VapidKeys.FromPem(p384.ExportPkcs8PrivateKeyPem()));
    }
}
