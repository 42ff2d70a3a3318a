using System.Text;
using Roost.Core.Media;

namespace Roost.Core.Tests.Media;

public sealed class TusChecksumTests
{
    private static readonly byte[] Body = Encoding.ASCII.GetBytes("hello world");

    [Theory]
    [InlineData("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", "sha1")]
    [InlineData("sha256 uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=", "sha256")]
    [InlineData("SHA256 uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=", "sha256")]
    public void The_specs_example_body_matches_its_checksum(string header, string expectedAlgorithm)
    {
        Assert.True(TusChecksum.TryParse(header, out var algorithm, out var digest, out var problem));
        Assert.Equal((expectedAlgorithm, TusChecksumProblem.None), (algorithm, problem));

        using var hash = TusChecksum.CreateHash(algorithm);
        hash.AppendData(Body.AsSpan(0, 5));
        hash.AppendData(Body.AsSpan(5));
        Assert.True(TusChecksum.Matches(digest, hash.GetHashAndReset()));
    }

    [Fact]
    public void A_different_body_does_not_match()
    {
        Assert.True(TusChecksum.TryParse("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", out var algorithm, out var digest, out _));
        using var hash = TusChecksum.CreateHash(algorithm);
        hash.AppendData("hello World"u8);
        Assert.False(TusChecksum.Matches(digest, hash.GetHashAndReset()));
        Assert.False(TusChecksum.Matches(digest, digest.AsSpan(0, 19)));
    }

    [Theory]
    [InlineData("md5 XrY7u+Ae7tCTyyK7j1rNww==")]
    [InlineData("crc32 DUoRhQ==")]
    [InlineData("sha512 Kq5sNclPz7QV2+lfQIuc6R7oRu0=")]
    public void Other_algorithms_are_unsupported(string header)
    {
        Assert.False(TusChecksum.TryParse(header, out var algorithm, out var digest, out var problem));
        Assert.Equal(TusChecksumProblem.UnsupportedAlgorithm, problem);
        Assert.Equal("", algorithm);
        Assert.Empty(digest);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha1")]
    [InlineData("sha1 ")]
    [InlineData(" Kq5sNclPz7QV2+lfQIuc6R7oRu0=")]
    [InlineData("sha1  Kq5sNclPz7QV2+lfQIuc6R7oRu0=")]
    [InlineData("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0= x")]
    [InlineData("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0")]
    [InlineData("sha1 Kq5sNclPz7QV2-lfQIuc6R7oRu0=")]
    [InlineData("sha1 uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")]
    [InlineData("sha256 Kq5sNclPz7QV2+lfQIuc6R7oRu0=")]
    public void Malformed_headers_are_refused(string? header)
    {
        Assert.False(TusChecksum.TryParse(header, out _, out _, out var problem));
        Assert.Equal(TusChecksumProblem.Malformed, problem);
    }

    [Fact]
    public void Creating_a_hash_for_an_unsupported_algorithm_is_a_bug() =>
        Assert.Throws<ArgumentException>(() => TusChecksum.CreateHash("md5"));
}
