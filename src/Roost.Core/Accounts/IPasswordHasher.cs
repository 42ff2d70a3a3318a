namespace Roost.Core.Accounts;

public enum PasswordVerification
{
    Failed,
    Success,

    /// <summary>The password is right, but the stored hash uses weaker parameters than configured: store a fresh hash.</summary>
    SuccessRehashNeeded,
}

public interface IPasswordHasher
{
    string Hash(string password);

    PasswordVerification Verify(string password, string storedHash);

    /// <summary>
    /// Does the same work as a failed <see cref="Verify"/> without a stored hash, so a log-in for
    /// an unknown user costs as much time as one with a wrong password.
    /// </summary>
    void VerifyAgainstDummy(string password);
}
