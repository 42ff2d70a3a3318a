using Roost.Core.Media;

namespace Roost.Core.Tests.Media;

public sealed class TusHeadersTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("100", 100)]
    [InlineData("007", 7)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Lengths_are_plain_decimal_digits(string value, long expected)
    {
        Assert.True(TusHeaders.TryParseLength(value, out var length));
        Assert.Equal(expected, length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1,000")]
    [InlineData("1.0")]
    [InlineData("0x10")]
    [InlineData("1e3")]
    [InlineData("\u0661\u0662")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999")]
    [InlineData("00000000000000000001")]
    public void Anything_else_is_refused(string? value)
    {
        Assert.False(TusHeaders.TryParseLength(value, out var length));
        Assert.Equal(0, length);
    }

    [Fact]
    public void The_protocol_constants_are_what_options_announces()
    {
        Assert.Equal("1.0.0", TusProtocol.Version);
        Assert.Contains("creation-defer-length", TusProtocol.Extensions.Split(','));
        Assert.Equal(["sha1", "sha256"], TusProtocol.ChecksumAlgorithms.Split(','));
        Assert.Equal("application/offset+octet-stream", TusProtocol.OffsetContentType);
    }
}
