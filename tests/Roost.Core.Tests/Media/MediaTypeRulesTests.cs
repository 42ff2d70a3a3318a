using Roost.Core.Media;

namespace Roost.Core.Tests.Media;

public sealed class MediaTypeRulesTests
{
    private static readonly IReadOnlyCollection<string> Allowed = [.. MediaTypes.DefaultAllowed];

    [Fact]
    public void Content_of_an_allowed_type_with_no_claims_is_fine()
    {
        Assert.Null(MediaTypeRules.Check(MediaTypes.Png, null, null, Allowed));
        Assert.Null(MediaTypeRules.Check(MediaTypes.Png, "image/png", "cat.png", Allowed));
    }

    [Fact]
    public void Unknown_content_or_a_type_off_the_allow_list_is_not_allowed()
    {
        Assert.Equal(MediaErrorCodes.TypeNotAllowed, MediaTypeRules.Check(null, "image/png", "cat.png", Allowed));
        Assert.Equal(MediaErrorCodes.TypeNotAllowed, MediaTypeRules.Check(MediaTypes.Heic, "image/heic", "cat.heic", Allowed));
        Assert.Equal(MediaErrorCodes.TypeNotAllowed, MediaTypeRules.Check(MediaTypes.Pdf, null, null, ["image/png"]));
    }

    [Fact]
    public void The_allow_list_ignores_case() =>
        Assert.Null(MediaTypeRules.Check(MediaTypes.Png, null, null, ["IMAGE/PNG"]));

    [Theory]
    [InlineData("image/jpeg")]
    [InlineData("IMAGE/JPEG; charset=binary")]
    [InlineData("image/jpg")]
    [InlineData("image/pjpeg")]
    [InlineData("application/octet-stream")]
    [InlineData("text/plain")]
    [InlineData("")]
    public void A_declared_type_of_the_same_family_or_unknown_is_fine(string declared) =>
        Assert.Null(MediaTypeRules.Check(MediaTypes.Jpeg, declared, null, Allowed));

    [Theory]
    [InlineData("image/png")]
    [InlineData("application/pdf")]
    [InlineData("video/mp4")]
    public void A_declared_type_of_another_family_is_a_mismatch(string declared) =>
        Assert.Equal(MediaErrorCodes.TypeMismatch, MediaTypeRules.Check(MediaTypes.Jpeg, declared, null, Allowed));

    [Theory]
    [InlineData("video/mp4", "clip.mov")]
    [InlineData("video/quicktime", "clip.mp4")]
    [InlineData("audio/mp4", "clip.m4a")]
    [InlineData("audio/x-m4a", "clip.m4v")]
    [InlineData("video/x-m4v", null)]
    public void Iso_media_types_accept_each_other(string declared, string? fileName)
    {
        Assert.Null(MediaTypeRules.Check(MediaTypes.Mp4, declared, fileName, Allowed));
        Assert.Null(MediaTypeRules.Check(MediaTypes.QuickTime, declared, fileName, Allowed));
        Assert.Null(MediaTypeRules.Check(MediaTypes.M4a, declared, fileName, Allowed));
    }

    [Fact]
    public void Heic_is_its_own_family_though_its_container_is_iso_media()
    {
        string[] all = [.. MediaTypes.All.Select(t => t.ContentType)];
        Assert.Equal(MediaErrorCodes.TypeMismatch, MediaTypeRules.Check(MediaTypes.Mp4, "image/heic", null, all));
        Assert.Equal(MediaErrorCodes.TypeMismatch, MediaTypeRules.Check(MediaTypes.Heic, null, "photo.mp4", all));
    }

    [Theory]
    [InlineData("audio/opus", "voice.opus")]
    [InlineData("application/ogg", "voice.oga")]
    [InlineData("audio/ogg", "VOICE.OGG")]
    public void Ogg_aliases_are_ogg(string declared, string fileName) =>
        Assert.Null(MediaTypeRules.Check(MediaTypes.Ogg, declared, fileName, Allowed));

    [Fact]
    public void Aac_aliases_are_aac_and_not_ogg()
    {
        Assert.Null(MediaTypeRules.Check(MediaTypes.Aac, "audio/x-aac", "song.aac", Allowed));
        Assert.Equal(MediaErrorCodes.TypeMismatch, MediaTypeRules.Check(MediaTypes.Aac, "application/ogg", null, Allowed));
    }

    [Theory]
    [InlineData("invoice.pdf")]
    [InlineData("cat.JPG")]
    [InlineData("clip.mp4")]
    public void A_known_extension_of_another_family_is_a_mismatch(string fileName) =>
        Assert.Equal(MediaErrorCodes.TypeMismatch, MediaTypeRules.Check(MediaTypes.Png, "image/png", fileName, Allowed));

    [Theory]
    [InlineData("cat")]
    [InlineData("cat.bin")]
    [InlineData("cat.png.exe")]
    [InlineData("")]
    public void Unknown_extensions_leave_it_to_the_content(string fileName) =>
        Assert.Null(MediaTypeRules.Check(MediaTypes.Png, null, fileName, Allowed));
}
