using Roost.Core.Accounts;

namespace Roost.Core.Tests.Accounts;

public sealed class PasswordPolicyTests
{
    [Fact]
    public void Eight_characters_is_the_minimum()
    {
        Assert.NotNull(PasswordPolicy.Validate("1234567"));
        Assert.Null(PasswordPolicy.Validate("12345678"));
    }

    [Fact]
    public void Two_hundred_fifty_six_characters_is_the_maximum()
    {
        Assert.Null(PasswordPolicy.Validate(new string('x', 256)));
        Assert.NotNull(PasswordPolicy.Validate(new string('x', 257)));
    }

    [Fact]
    public void Characters_are_counted_as_a_person_counts_them()
    {
        // Eight emoji are sixteen UTF-16 units but eight characters.
        Assert.Null(PasswordPolicy.Validate(string.Concat(Enumerable.Repeat("🦜", 8))));
        Assert.NotNull(PasswordPolicy.Validate(string.Concat(Enumerable.Repeat("🦜", 7))));
        Assert.Null(PasswordPolicy.Validate(string.Concat(Enumerable.Repeat("🦜", 256))));
    }

    [Fact]
    public void Missing_and_nul_passwords_are_refused()
    {
        Assert.NotNull(PasswordPolicy.Validate(null));
        Assert.NotNull(PasswordPolicy.Validate(""));
        Assert.NotNull(PasswordPolicy.Validate("abcd\0efgh"));
    }
}
