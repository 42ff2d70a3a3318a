using Roost.Core.Accounts;

namespace Roost.Core.Tests.Accounts;

public sealed class ProfileRulesTests
{
    [Theory]
    [InlineData("Ada")]
    [InlineData("Ada 🦜 Lovelace")]
    [InlineData(null)]
    public void Ordinary_display_names_pass(string? name) => Assert.Null(ProfileRules.ValidateDisplayName(name));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("two\nlines")]
    [InlineData("bell\a")]
    public void Blank_and_control_character_display_names_are_refused(string name) => Assert.NotNull(ProfileRules.ValidateDisplayName(name));

    [Fact]
    public void About_text_may_have_newlines_and_be_cleared()
    {
        Assert.Null(ProfileRules.ValidateAbout("line one\nline two"));
        Assert.Null(ProfileRules.ValidateAbout(""));
        Assert.NotNull(ProfileRules.ValidateAbout(new string('a', 501)));
        Assert.NotNull(ProfileRules.ValidateAbout("tab\there"));
    }
}
