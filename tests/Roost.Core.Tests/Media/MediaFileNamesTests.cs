using System.Text;
using Roost.Core.Media;

namespace Roost.Core.Tests.Media;

public sealed class MediaFileNamesTests
{
    [Theory]
    [InlineData("photo.jpg", "photo.jpg")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\me\\Desktop\\report.pdf", "report.pdf")]
    [InlineData("a\r\nSet-Cookie: x=1.txt", "aSet-Cookie: x=1.txt")]
    [InlineData("\"quoted\".pdf", "quoted.pdf")]
    [InlineData("  ..hidden.txt.. ", "hidden.txt")]
    [InlineData("tab\tnul\0del\u007F.png", "tabnuldel.png")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("line\u2028break.txt", "linebreak.txt")]
    [InlineData("Été à la plage 🏖.mp4", "Été à la plage 🏖.mp4")]
    public void Names_keep_their_last_segment_without_dangerous_characters(string name, string expected) =>
        Assert.Equal(expected, MediaFileNames.Sanitize(name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("...")]
    [InlineData("dir/")]
    [InlineData("a/..")]
    [InlineData("\"\"")]
    [InlineData("\r\n")]
    public void Nothing_left_is_no_name(string? name) =>
        Assert.Null(MediaFileNames.Sanitize(name));

    [Theory]
    [InlineData("a", ".pdf")]
    [InlineData("é", ".jpeg")]
    [InlineData("🎉", ".png")]
    [InlineData("中", ".txt")]
    public void Long_names_are_cut_to_255_utf8_bytes_keeping_the_extension(string repeated, string extension)
    {
        var name = string.Concat(Enumerable.Repeat(repeated, 300)) + extension;
        var sanitized = MediaFileNames.Sanitize(name)!;
        var bytes = Encoding.UTF8.GetBytes(sanitized);
        Assert.InRange(bytes.Length, MediaFileNames.MaxUtf8Bytes - 3, MediaFileNames.MaxUtf8Bytes);
        Assert.EndsWith(extension, sanitized, StringComparison.Ordinal);
        Assert.Equal(sanitized, Encoding.UTF8.GetString(bytes));
        Assert.StartsWith(sanitized[..^extension.Length], name, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overlong_extension_is_cut_like_the_rest()
    {
        var sanitized = MediaFileNames.Sanitize("a." + new string('x', 300))!;
        Assert.Equal(MediaFileNames.MaxUtf8Bytes, sanitized.Length);
        Assert.StartsWith("a.xxx", sanitized, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_does_not_leave_a_trailing_dot_or_space()
    {
        var sanitized = MediaFileNames.Sanitize(new string('a', 250) + "     b.pdf")!;
        Assert.Equal(new string('a', 250) + ".pdf", sanitized);
    }

    [Theory]
    [InlineData("report.pdf", false, "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf")]
    [InlineData("cat.png", true, "inline; filename=\"cat.png\"; filename*=UTF-8''cat.png")]
    [InlineData("naïve café.pdf", false, "attachment; filename=\"na_ve caf_.pdf\"; filename*=UTF-8''na%C3%AFve%20caf%C3%A9.pdf")]
    [InlineData("🎉 100%; x=y.txt", true, "inline; filename=\"_ 100_; x=y.txt\"; filename*=UTF-8''%F0%9F%8E%89%20100%25%3B%20x%3Dy.txt")]
    [InlineData("dir/\"evil\"\r\n.txt", false, "attachment; filename=\"evil.txt\"; filename*=UTF-8''evil.txt")]
    public void Content_disposition_carries_an_ascii_fallback_and_the_exact_name(string name, bool inline, string expected) =>
        Assert.Equal(expected, MediaFileNames.ContentDisposition(name, inline));

    [Theory]
    [InlineData(null, false, "attachment")]
    [InlineData("...", true, "inline")]
    public void Content_disposition_without_a_name_has_no_filename(string? name, bool inline, string expected) =>
        Assert.Equal(expected, MediaFileNames.ContentDisposition(name, inline));
}
