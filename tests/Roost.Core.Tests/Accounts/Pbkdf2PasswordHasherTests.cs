using Roost.Core.Accounts;

namespace Roost.Core.Tests.Accounts;

public sealed class Pbkdf2PasswordHasherTests
{
    private static readonly Pbkdf2PasswordHasher Fast = new(1_000);

    [Fact]
    public void The_default_work_factor_is_at_least_600000_iterations_and_is_stored_with_the_hash()
    {
        var hash = new Pbkdf2PasswordHasher(Pbkdf2PasswordHasher.RecommendedIterations).Hash("correct horse");
        var parts = hash.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("600000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Fact]
    public void The_right_password_verifies_and_a_wrong_one_does_not()
    {
        var hash = Fast.Hash("correct horse");
        Assert.Equal(PasswordVerification.Success, Fast.Verify("correct horse", hash));
        Assert.Equal(PasswordVerification.Failed, Fast.Verify("correct horse ", hash));
        Assert.Equal(PasswordVerification.Failed, Fast.Verify("Correct horse", hash));
    }

    [Fact]
    public void Each_hash_has_its_own_salt() => Assert.NotEqual(Fast.Hash("same password"), Fast.Hash("same password"));

    [Fact]
    public void A_hash_with_fewer_iterations_than_configured_asks_to_be_rehashed()
    {
        var old = Fast.Hash("correct horse");
        var stronger = new Pbkdf2PasswordHasher(2_000);
        Assert.Equal(PasswordVerification.SuccessRehashNeeded, stronger.Verify("correct horse", old));
        Assert.Equal(PasswordVerification.Success, Fast.Verify("correct horse", stronger.Hash("correct horse")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("pbkdf2-sha256$abc$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$!!!$AAAA")]
    [InlineData("bcrypt$1000$AAAA$AAAA")]
    public void A_corrupt_stored_hash_never_verifies(string stored) => Assert.Equal(PasswordVerification.Failed, Fast.Verify("anything", stored));
}
