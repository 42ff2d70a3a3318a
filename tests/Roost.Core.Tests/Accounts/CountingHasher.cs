using Roost.Core.Accounts;

namespace Roost.Core.Tests.Accounts;

/// <summary>A real hasher that counts the expensive derivations it performs.</summary>
internal sealed class CountingHasher(int iterations) : IPasswordHasher
{
    private readonly Pbkdf2PasswordHasher _inner = new(iterations);

    public int Derivations { get; set; }

    public string Hash(string password)
    {
        Derivations++;
        return _inner.Hash(password);
    }

    public PasswordVerification Verify(string password, string storedHash)
    {
        Derivations++;
        return _inner.Verify(password, storedHash);
    }

    public void VerifyAgainstDummy(string password)
    {
        Derivations++;
        _inner.VerifyAgainstDummy(password);
    }
}
