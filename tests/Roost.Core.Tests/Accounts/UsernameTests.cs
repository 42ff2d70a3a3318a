using Roost.Core.Accounts;

namespace Roost.Core.Tests.Accounts;

public sealed class UsernameTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("alice_01")]
    [InlineData("Alice.Smith")]
    [InlineData("a1234567890123456789012345678901")] // 32 characters
    public void Valid_usernames_pass(string username) => Assert.Null(Username.Validate(username));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ab")]
    [InlineData("a12345678901234567890123456789012")] // 33 characters
    [InlineData("al ice")]
    [InlineData("alice!")]
    [InlineData("élodie")]
    [InlineData("alice\n")]
    public void Invalid_usernames_are_refused_with_a_message(string? username) => Assert.NotNull(Username.Validate(username));

    [Fact]
    public void Normalization_folds_case_only() => Assert.Equal("alice.smith_1", Username.Normalize("Alice.Smith_1"));
}
