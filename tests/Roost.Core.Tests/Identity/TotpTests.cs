using System.Security.Cryptography;
using System.Text;
using Roost.Core.Identity;

namespace Roost.Core.Tests.Identity;

public sealed class TotpTests
{
    // RFC 6238 Appendix B: 8-digit codes, 30-second steps, one seed per hash function.
    private static readonly byte[] Sha1Seed = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly byte[] Sha256Seed = Encoding.ASCII.GetBytes("12345678901234567890123456789012");
    private static readonly byte[] Sha512Seed = Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890123456789012345678901234");

    [Theory]
    [InlineData(59L, "94287082", "46119246", "90693936")]
    [InlineData(1111111109L, "07081804", "68084774", "25091201")]
    [InlineData(1111111111L, "14050471", "67062674", "99943326")]
    [InlineData(1234567890L, "89005924", "91819424", "93441116")]
    [InlineData(2000000000L, "69279037", "90698825", "38618901")]
    [InlineData(20000000000L, "65353130", "77737706", "47863826")]
    public void The_rfc_6238_test_vectors_hold(long unixTime, string sha1, string sha256, string sha512)
    {
        var step = Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixTime));

        Assert.Equal(sha1, Totp.Compute(Sha1Seed, step, 8, HashAlgorithmName.SHA1));
        Assert.Equal(sha256, Totp.Compute(Sha256Seed, step, 8, HashAlgorithmName.SHA256));
        Assert.Equal(sha512, Totp.Compute(Sha512Seed, step, 8, HashAlgorithmName.SHA512));
    }

    [Fact]
    public void A_code_is_accepted_one_step_either_side_and_not_two()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var step = Totp.StepAt(now);

        Assert.Equal(step - 1, Totp.Verify(Sha1Seed, Totp.Compute(Sha1Seed, step - 1), now, 0));
        Assert.Equal(step, Totp.Verify(Sha1Seed, Totp.Compute(Sha1Seed, step), now, 0));
        Assert.Equal(step + 1, Totp.Verify(Sha1Seed, Totp.Compute(Sha1Seed, step + 1), now, 0));
        Assert.Null(Totp.Verify(Sha1Seed, Totp.Compute(Sha1Seed, step - 2), now, 0));
        Assert.Null(Totp.Verify(Sha1Seed, Totp.Compute(Sha1Seed, step + 2), now, 0));
    }

    [Fact]
    public void A_code_whose_step_was_already_used_is_refused()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var step = Totp.StepAt(now);
        var code = Totp.Compute(Sha1Seed, step);

        Assert.Equal(step, Totp.Verify(Sha1Seed, code, now, lastUsedStep: step - 1));
        Assert.Null(Totp.Verify(Sha1Seed, code, now, lastUsedStep: step));
        Assert.Null(Totp.Verify(Sha1Seed, Totp.Compute(Sha1Seed, step - 1), now, lastUsedStep: step));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    public void Malformed_codes_never_verify(string? code) =>
        Assert.Null(Totp.Verify(Sha1Seed, code, DateTimeOffset.UnixEpoch.AddYears(50), 0));

    [Fact]
    public void The_enrolment_uri_carries_the_base32_secret_and_parameters()
    {
        var uri = Totp.EnrolmentUri("Roost", "alice", Sha1Seed);

        Assert.Equal("otpauth://totp/Roost:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Roost&algorithm=SHA1&digits=6&period=30", uri);
    }
}
