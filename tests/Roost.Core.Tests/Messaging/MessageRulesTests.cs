using Roost.Core.Messaging;

namespace Roost.Core.Tests.Messaging;

public sealed class MessageRulesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("9f1c2d-44")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Printable_client_ids_up_to_64_characters_pass(string clientId) => Assert.Null(MessageRules.ValidateClientId(clientId));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünicode")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    public void Other_client_ids_are_refused(string? clientId) => Assert.NotNull(MessageRules.ValidateClientId(clientId));

    [Fact]
    public void A_body_is_limited_in_utf8_bytes_not_characters()
    {
        Assert.Null(MessageRules.ValidateBody(new string('a', 100), 100));
        Assert.NotNull(MessageRules.ValidateBody(new string('a', 101), 100));
        Assert.NotNull(MessageRules.ValidateBody(string.Concat(Enumerable.Repeat("é", 51)), 100));
        Assert.NotNull(MessageRules.ValidateBody("   ", 100));
        Assert.NotNull(MessageRules.ValidateBody(null, 100));
    }

    [Theory]
    [InlineData("👍")]
    [InlineData("👍🏽")]
    [InlineData("👨‍👩‍👧")]
    [InlineData("❤️")]
    public void One_emoji_is_a_reaction(string emoji) => Assert.Null(MessageRules.ValidateEmoji(emoji));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ok")]
    [InlineData("👍👍")]
    [InlineData(" ")]
    public void Text_and_several_emoji_are_not(string emoji) => Assert.NotNull(MessageRules.ValidateEmoji(emoji));
}
