using System.Security.Cryptography;
using System.Text;
using Roost.Core.Sessions;

namespace Roost.Core.Tests.Sessions;

public sealed class SessionTokenTests
{
    [Fact]
    public void A_token_carries_256_random_bits_behind_a_recognisable_prefix()
    {
        var token = SessionToken.Create();
        Assert.StartsWith("roost_", token, StringComparison.Ordinal);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(6)).Length);
        Assert.True(SessionToken.IsWellFormed(token));
        Assert.NotEqual(token, SessionToken.Create());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("roost_")]
    [InlineData("bearer_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("roost_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!")]
    [InlineData("roost_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_tokens_are_recognised_without_a_lookup(string? token) => Assert.False(SessionToken.IsWellFormed(token));

    [Fact]
    public void Only_the_sha256_of_the_token_is_kept()
    {
        var token = SessionToken.Create();
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SessionToken.Hash(token));
    }
}
