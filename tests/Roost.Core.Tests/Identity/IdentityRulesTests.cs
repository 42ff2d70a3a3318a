using Roost.Core.Identity;

namespace Roost.Core.Tests.Identity;

public sealed class IdentityRulesTests
{
    [Theory]
    [InlineData("+14155552671", "+14155552671")]
    [InlineData("+1 (415) 555-2671", "+14155552671")]
    [InlineData("0044 7400 123456", "+447400123456")]
    [InlineData("+49.151.23456789", "+4915123456789")]
    public void Phone_numbers_normalize_to_e164(string input, string expected)
    {
        Assert.True(PhoneNumber.TryParse(input, out var parsed));
        Assert.Equal(expected, parsed.E164);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("4155552671")]
    [InlineData("+0155552671")]
    [InlineData("+1415")]
    [InlineData("+1234567890123456")]
    [InlineData("+1 415 555 2671 ext 5")]
    [InlineData("+1-415-555-2671;")]
    [InlineData("+999123456789")]
    [InlineData("+10000000000")]
    public void Numbers_that_are_not_valid_e164_are_refused(string? input) => Assert.False(PhoneNumber.TryParse(input, out _));

    [Fact]
    public void A_masked_number_shows_only_the_country_code_and_last_digits() =>
        Assert.Equal("+14*******71", PhoneNumber.Mask("+14155552671"));

    [Fact]
    public void Secrets_round_trip_only_for_the_account_they_were_sealed_for()
    {
        var protector = new SecretProtector(new byte[32]);
        var sealedSecret = protector.Protect("top secret"u8, accountId: 7);

        Assert.Equal("top secret"u8.ToArray(), protector.Unprotect(sealedSecret, 7));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect(sealedSecret, 8));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => new SecretProtector(Enumerable.Repeat((byte)1, 32).ToArray()).Unprotect(sealedSecret, 7));
    }

    [Fact]
    public void Recovery_codes_are_ten_distinct_readable_codes()
    {
        var codes = OneTimeCodes.NewRecoveryCodes();

        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{2}$", c));
        Assert.Equal(OneTimeCodes.NormalizeRecoveryCode(codes[0]), OneTimeCodes.NormalizeRecoveryCode(" " + codes[0].ToUpperInvariant().Replace("-", "", StringComparison.Ordinal)));
    }

    [Fact]
    public void Send_throttle_allows_the_window_then_backs_off_growing()
    {
        var throttle = new SendThrottle(3, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        var start = DateTimeOffset.UnixEpoch.AddYears(56);
        var sends = new List<DateTimeOffset>();

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(throttle.RetryAfter(sends, start));
            sends.Add(start);
        }

        Assert.Equal(TimeSpan.FromMinutes(10), throttle.RetryAfter(sends, start));

        // After the window, one more send; the next waits twice as long as the minimum backoff beyond the window.
        var later = start.AddMinutes(10);
        Assert.Null(throttle.RetryAfter(sends, later));
        sends.Add(later);
        var wait = throttle.RetryAfter(sends, later)!.Value;
        Assert.True(wait >= TimeSpan.FromMinutes(2), $"waited only {wait}");
        Assert.Null(throttle.RetryAfter(sends, start.AddDays(2)));
    }
}
