using System.Text;
using Roost.Core.Media;

namespace Roost.Core.Tests.Media;

public sealed class TusMetadataTests
{
    [Fact]
    public void The_specs_example_is_read()
    {
        Assert.True(TusMetadata.TryParse("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential", out var values, out var error));
        Assert.Null(error);
        Assert.Equal("world_domination_plan.pdf", values["filename"]);
        Assert.Equal("", values["is_confidential"]);
        Assert.Equal(2, values.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_header_is_no_pairs(string? header)
    {
        Assert.True(TusMetadata.TryParse(header, out var values, out _));
        Assert.Empty(values);
    }

    [Fact]
    public void Values_are_utf8_and_spaces_after_commas_are_tolerated()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("Pâté 🥖.jpg"));
        Assert.True(TusMetadata.TryParse($"filename {encoded}, filetype aW1hZ2UvanBlZw==", out var values, out _));
        Assert.Equal("Pâté 🥖.jpg", values["filename"]);
        Assert.Equal("image/jpeg", values["filetype"]);
    }

    [Theory]
    [InlineData("a YQ==,a Yg==", "repeats")]
    [InlineData("a YQ==,", "keys")]
    [InlineData(",a YQ==", "keys")]
    [InlineData("ключ YQ==", "keys")]
    [InlineData("a\tb YQ==", "keys")]
    [InlineData("a YQ== Yg==", "one space")]
    [InlineData("a  YQ==", "one space")]
    [InlineData("a YQ", "Base64")]
    [InlineData("a Y$==", "Base64")]
    [InlineData("a YQ=a", "Base64")]
    [InlineData("a YQ-_", "Base64")]
    [InlineData("a //4=", "UTF-8")]
    [InlineData("a 7aCA", "UTF-8")]
    [InlineData("a YQpi", "control")]
    [InlineData("a AA==", "control")]
    public void Malformed_pairs_are_refused_with_a_reason(string header, string reason)
    {
        Assert.False(TusMetadata.TryParse(header, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_is_bounded_in_length_and_pairs()
    {
        var pairs = string.Join(',', Enumerable.Range(0, TusMetadata.MaxPairs).Select(i => $"k{i}"));
        Assert.True(TusMetadata.TryParse(pairs, out var values, out _));
        Assert.Equal(TusMetadata.MaxPairs, values.Count);
        Assert.False(TusMetadata.TryParse(pairs + ",more", out _, out var tooMany));
        Assert.Contains("pairs", tooMany, StringComparison.Ordinal);

        var value = Convert.ToBase64String(Encoding.ASCII.GetBytes(new string('x', 3100)));
        Assert.False(TusMetadata.TryParse($"a {value}", out _, out var tooLong));
        Assert.Contains("longer", tooLong, StringComparison.Ordinal);
    }

    [Fact]
    public void Formatted_metadata_reads_back_the_same()
    {
        var values = new Dictionary<string, string> { ["filetype"] = "video/mp4", ["filename"] = "Été, à la plage.mp4", ["flag"] = "" };
        var header = TusMetadata.Format(values);
        Assert.StartsWith("filename ", header, StringComparison.Ordinal);
        Assert.EndsWith(",flag", header, StringComparison.Ordinal);
        Assert.True(TusMetadata.TryParse(header, out var read, out _));
        Assert.Equal(values.OrderBy(p => p.Key, StringComparer.Ordinal), read.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Formatting_an_invalid_key_is_a_bug() =>
        Assert.Throws<ArgumentException>(() => TusMetadata.Format(new Dictionary<string, string> { ["file name"] = "x" }));
}
