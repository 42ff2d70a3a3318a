using Roost.Core.Accounts;
using Roost.Core.Errors;
using Roost.Core.Identity;

namespace Roost.Storage.Postgres;

// TEMPORARY: being ported from SqliteXStore.
internal sealed class PostgresIdentityStore(PostgresStore store) : IIdentityStore
{
    private readonly PostgresStore _store = store;

    public Task<Account?> FindByPhoneAsync(string phone, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<bool> SetPhoneAsync(long accountId, string phone, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<Account?> CreatePhoneAccountAsync(NewAccount account, string phone, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<bool> SetUsernameAsync(long accountId, string username, string normalizedUsername, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<CodeSend> CreateCodeAsync(NewCode code, SendThrottle perBudget, SendThrottle perIp, CountryBudget perCountry, CountryBudget total, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task ReleaseCountrySendAsync(long sendId, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<CodeAttempt?> CountCodeAttemptAsync(string purpose, string target, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<bool> MarkCodeUsedAsync(long codeId, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<TwoFactorState> GetTwoFactorAsync(long accountId, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<bool> SetPendingTotpAsync(long accountId, byte[] protectedSecret, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task ConfirmTotpAsync(long accountId, long timeStep, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<bool> UseTotpStepAsync(long accountId, long timeStep, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task SetSmsFactorAsync(long accountId, bool enabled, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task ReplaceRecoveryCodesAsync(long accountId, IReadOnlyList<byte[]> codeHashes, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<bool> UseRecoveryCodeAsync(long accountId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task DisableTwoFactorAsync(long accountId, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task CreateChallengeAsync(byte[] tokenHash, LoginChallenge challenge, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<LoginChallenge?> CountChallengeAttemptAsync(byte[] tokenHash, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<LoginChallenge?> FindChallengeAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<bool> DeleteChallengeAsync(byte[] tokenHash, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

}
