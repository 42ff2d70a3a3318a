using Npgsql;
using Roost.Core.Accounts;
using Roost.Core.Identity;

namespace Roost.Storage.Postgres;

internal sealed class PostgresIdentityStore(PostgresStore store) : IIdentityStore
{
    private const string ChallengeColumns = "account_id, first_factor, device_name, platform, ip, expires_at";

    public Task<Account?> FindByPhoneAsync(string phone, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session => session.Command($"SELECT {PostgresAccountStore.AccountColumns} FROM accounts WHERE phone = @phone")
            .With("phone", phone)
            .ReadFirstAsync(PostgresAccountStore.ReadAccount), cancellationToken);

    public Task<bool> SetPhoneAsync(long accountId, string phone, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            // Writes are serialized, so nobody can take the number between this check and the update.
            var holder = await context.Command("SELECT id FROM accounts WHERE phone = @phone").With("phone", phone).ScalarAsync() as long?;
            if (!FactorRules.MayTake(holder, accountId))
            {
                return false;
            }

            return await context.Command("UPDATE accounts SET phone = @phone WHERE id = @id")
                .With("phone", phone)
                .With("id", accountId)
                .RunAsync() == 1;
        }, cancellationToken);

    public Task<Account?> CreatePhoneAccountAsync(NewAccount account, string phone, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command($"""
                INSERT INTO accounts (username, username_normalized, password_hash, display_name, about, created_at, phone)
                VALUES (@username, @normalized, '', @displayName, '', @createdAt, @phone)
                ON CONFLICT DO NOTHING
                RETURNING {PostgresAccountStore.AccountColumns}
                """)
            .With("username", account.Username)
            .With("normalized", account.NormalizedUsername)
            .With("displayName", account.DisplayName)
            .With("createdAt", account.CreatedAt)
            .With("phone", phone)
            .ReadFirstAsync(PostgresAccountStore.ReadAccount), cancellationToken);

    public Task<bool> SetUsernameAsync(long accountId, string username, string normalizedUsername, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            // Checked first instead of catching the unique violation, which would abort the batch's savepoint.
            var holder = await context.Command("SELECT id FROM accounts WHERE username_normalized = @normalized").With("normalized", normalizedUsername).ScalarAsync() as long?;
            if (!FactorRules.MayTake(holder, accountId))
            {
                return false;
            }

            return await context.Command("UPDATE accounts SET username = @username, username_normalized = @normalized WHERE id = @id")
                .With("username", username)
                .With("normalized", normalizedUsername)
                .With("id", accountId)
                .RunAsync() == 1;
        }, cancellationToken);

    public Task<CodeSend> CreateCodeAsync(NewCode code, SendThrottle perBudget, SendThrottle perIp, CountryBudget perCountry, CountryBudget total, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            // Checked and recorded in one batch transaction under the global write lock: parallel requests, on this
            // node or another, cannot slip past the limits. The country's count comes from the log, so a restart does not refill it.
            var since = CodeSendRules.ThrottleSince(code.Now);
            var budgetSince = CodeSendRules.BudgetSince(code.Now);
            var history = new SendHistory(
                await ReadSendsAsync(context, "SELECT sent_at FROM code_sends WHERE target = @key AND sent_at >= @since", code.Budget, since),
                await ReadSendsAsync(context, "SELECT sent_at FROM code_sends WHERE ip = @key AND sent_at >= @since", code.Ip, since),
                await ReadSendsAsync(context, "SELECT sent_at FROM code_sends WHERE country = @key AND sent_at >= @since", perCountry.Country, budgetSince),
                await ReadTotalSendsAsync(context, budgetSince, total.Limit));
            if (CodeSendRules.RetryAfter(history, perBudget, perIp, perCountry, total, code.Now) is { } retryAfter)
            {
                return CodeSend.Refused(retryAfter);
            }

            var inherited = code.RetireAllPurposes ? CodeSendRules.InheritedAttempts(await ReadLiveAttemptsAsync(context, code.Target, code.Now)) : 0;

            await context.Command(code.RetireAllPurposes
                    ? "UPDATE one_time_codes SET used = true WHERE target = @target AND NOT used"
                    : "UPDATE one_time_codes SET used = true WHERE purpose = @purpose AND target = @target AND NOT used")
                .With("purpose", code.Purpose)
                .With("target", code.Target)
                .RunAsync();

            await context.Command("""
                    INSERT INTO one_time_codes (purpose, target, code_hash, attempts, expires_at, created_at)
                    VALUES (@purpose, @target, @hash, @attempts, @expires, @now)
                    """)
                .With("purpose", code.Purpose)
                .With("target", code.Target)
                .With("hash", code.CodeHash)
                .With("attempts", inherited)
                .With("expires", code.ExpiresAt)
                .With("now", code.Now)
                .RunAsync();

            var sendId = (long)(await context.Command("INSERT INTO code_sends (target, ip, sent_at, country) VALUES (@budget, @ip, @now, @country) RETURNING id")
                .With("budget", code.Budget)
                .With("ip", code.Ip)
                .With("now", code.Now)
                .With("country", code.Country)
                .ScalarAsync())!;

            // Old bookkeeping goes as new arrives.
            var pruneBefore = CodeSendRules.PruneBefore(code.Now);
            await context.Command("DELETE FROM code_sends WHERE sent_at < @dayAgo").With("dayAgo", pruneBefore).RunAsync();
            await context.Command("DELETE FROM one_time_codes WHERE expires_at < @dayAgo").With("dayAgo", pruneBefore).RunAsync();
            return new CodeSend(sendId, null);
        }, cancellationToken);

    public Task ReleaseCountrySendAsync(long sendId, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command("UPDATE code_sends SET country = NULL WHERE id = @id").With("id", sendId).RunAsync(), cancellationToken);

    public Task<CodeAttempt?> CountCodeAttemptAsync(string purpose, string target, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            // The attempt is counted whatever the code turns out to be (AttemptRules).
            var code = await context.Command("""
                    SELECT id, code_hash, attempts, expires_at FROM one_time_codes
                    WHERE purpose = @purpose AND target = @target AND NOT used ORDER BY id DESC LIMIT 1
                    """)
                .With("purpose", purpose)
                .With("target", target)
                .ReadFirstAsync(reader => (Attempt: new CodeAttempt(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)), Attempts: reader.GetInt32(2), ExpiresAt: reader.GetTime(3)));
            if (code.Attempt is null || !AttemptRules.MayAttempt(code.Attempts, maxAttempts, code.ExpiresAt, now))
            {
                return null;
            }

            await context.Command("UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = @id").With("id", code.Attempt.Id).RunAsync();
            return code.Attempt;
        }, cancellationToken);

    public Task<bool> MarkCodeUsedAsync(long codeId, CancellationToken cancellationToken) =>
        store.WriteAsync(async context => await context.Command("UPDATE one_time_codes SET used = true WHERE id = @id AND NOT used")
            .With("id", codeId)
            .RunAsync() == 1, cancellationToken);

    public Task<TwoFactorState> GetTwoFactorAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session =>
        {
            var codesLeft = (int)(long)(await session.Command("SELECT COUNT(*) FROM recovery_codes WHERE account_id = @account AND used_at IS NULL")
                .With("account", accountId)
                .ScalarAsync())!;
            var state = await session.Command("SELECT totp_secret, totp_confirmed, totp_last_step, sms_enabled FROM two_factor WHERE account_id = @account")
                .With("account", accountId)
                .ReadFirstAsync(reader => new TwoFactorState(
                    reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0),
                    reader.GetBoolean(1),
                    reader.GetInt64(2),
                    reader.GetBoolean(3),
                    codesLeft));
            return state ?? TwoFactorState.None with { RecoveryCodesLeft = codesLeft };
        }, cancellationToken);

    public Task<bool> SetPendingTotpAsync(long accountId, byte[] protectedSecret, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            var confirmed = await context.Command("SELECT totp_confirmed FROM two_factor WHERE account_id = @account").With("account", accountId).ScalarAsync();
            if (!FactorRules.MayReplaceTotp(confirmed is true))
            {
                return false;
            }

            return await context.Command("""
                    INSERT INTO two_factor (account_id, totp_secret, totp_confirmed) VALUES (@account, @secret, false)
                    ON CONFLICT (account_id) DO UPDATE SET totp_secret = excluded.totp_secret
                    """)
                .With("account", accountId)
                .With("secret", protectedSecret)
                .RunAsync() == 1;
        }, cancellationToken);

    public Task ConfirmTotpAsync(long accountId, long timeStep, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command("UPDATE two_factor SET totp_confirmed = true, totp_last_step = @step WHERE account_id = @account")
            .With("account", accountId)
            .With("step", timeStep)
            .RunAsync(), cancellationToken);

    public Task<bool> UseTotpStepAsync(long accountId, long timeStep, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            var last = await context.Command("SELECT totp_last_step FROM two_factor WHERE account_id = @account").With("account", accountId).ScalarAsync();
            if (last is not long lastStep || !FactorRules.IsUnusedStep(lastStep, timeStep))
            {
                return false;
            }

            return await context.Command("UPDATE two_factor SET totp_last_step = @step WHERE account_id = @account")
                .With("account", accountId)
                .With("step", timeStep)
                .RunAsync() == 1;
        }, cancellationToken);

    public Task SetSmsFactorAsync(long accountId, bool enabled, CancellationToken cancellationToken) =>
        store.WriteAsync(context => context.Command("""
                INSERT INTO two_factor (account_id, sms_enabled) VALUES (@account, @enabled)
                ON CONFLICT (account_id) DO UPDATE SET sms_enabled = excluded.sms_enabled
                """)
            .With("account", accountId)
            .With("enabled", enabled)
            .RunAsync(), cancellationToken);

    public Task ReplaceRecoveryCodesAsync(long accountId, IReadOnlyList<byte[]> codeHashes, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            await context.Command("DELETE FROM recovery_codes WHERE account_id = @account").With("account", accountId).RunAsync();
            await context.Command("INSERT INTO recovery_codes (account_id, code_hash) SELECT @account, h FROM unnest(@hashes) AS h")
                .With("account", accountId)
                .With("hashes", codeHashes.ToArray())
                .RunAsync();
            return codeHashes.Count;
        }, cancellationToken);

    public Task<bool> UseRecoveryCodeAsync(long accountId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync(async context => await context.Command("UPDATE recovery_codes SET used_at = @now WHERE account_id = @account AND code_hash = @hash AND used_at IS NULL")
            .With("account", accountId)
            .With("hash", codeHash)
            .With("now", now)
            .RunAsync() == 1, cancellationToken);

    public Task DisableTwoFactorAsync(long accountId, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            await context.Command("DELETE FROM two_factor WHERE account_id = @account").With("account", accountId).RunAsync();
            return await context.Command("DELETE FROM recovery_codes WHERE account_id = @account").With("account", accountId).RunAsync();
        }, cancellationToken);

    public Task CreateChallengeAsync(byte[] tokenHash, LoginChallenge challenge, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            await context.Command("""
                    INSERT INTO login_challenges (token_hash, account_id, first_factor, device_name, platform, ip, expires_at)
                    VALUES (@hash, @account, @factor, @name, @platform, @ip, @expires)
                    """)
                .With("hash", tokenHash)
                .With("account", challenge.AccountId)
                .With("factor", challenge.FirstFactor)
                .With("name", challenge.DeviceName)
                .With("platform", challenge.Platform)
                .With("ip", challenge.Ip)
                .With("expires", challenge.ExpiresAt)
                .RunAsync();
            return await context.Command("DELETE FROM login_challenges WHERE expires_at < @before")
                .With("before", AttemptRules.ChallengePruneBefore(challenge.ExpiresAt))
                .RunAsync();
        }, cancellationToken);

    public Task<LoginChallenge?> CountChallengeAttemptAsync(byte[] tokenHash, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync(async context =>
        {
            var found = await context.Command($"SELECT {ChallengeColumns}, attempts FROM login_challenges WHERE token_hash = @hash")
                .With("hash", tokenHash)
                .ReadFirstAsync(reader => (Challenge: ReadChallenge(reader), Attempts: reader.GetInt32(6)));
            if (found.Challenge is null || !AttemptRules.MayAttempt(found.Attempts, maxAttempts, found.Challenge.ExpiresAt, now))
            {
                return null;
            }

            await context.Command("UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = @hash").With("hash", tokenHash).RunAsync();
            return found.Challenge;
        }, cancellationToken);

    public Task<LoginChallenge?> FindChallengeAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(async session =>
        {
            var challenge = await session.Command($"SELECT {ChallengeColumns} FROM login_challenges WHERE token_hash = @hash")
                .With("hash", tokenHash)
                .ReadFirstAsync(ReadChallenge);
            return challenge is not null && AttemptRules.IsLive(challenge.ExpiresAt, now) ? challenge : null;
        }, cancellationToken);

    public Task<bool> DeleteChallengeAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        store.WriteAsync(async context => await context.Command("DELETE FROM login_challenges WHERE token_hash = @hash")
            .With("hash", tokenHash)
            .RunAsync() == 1, cancellationToken);

    private static LoginChallenge ReadChallenge(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetStringOrNull(4), reader.GetTime(5));

    private static Task<List<DateTimeOffset>> ReadSendsAsync(PostgresWriteContext context, string sql, string key, DateTimeOffset since) =>
        context.Command(sql).With("key", key).With("since", since).ReadAllAsync(reader => reader.GetTime(0));

    /// <summary>
    /// The newest <paramref name="limit"/> sends of every country (released ones have no country) after
    /// <paramref name="since"/>: enough for <see cref="CountryBudget.RetryAfter"/>, however large the budget.
    /// </summary>
    private static Task<List<DateTimeOffset>> ReadTotalSendsAsync(PostgresWriteContext context, DateTimeOffset since, int limit) =>
        context.Command("SELECT sent_at FROM code_sends WHERE country IS NOT NULL AND sent_at > @since ORDER BY sent_at DESC LIMIT @limit")
            .With("since", since)
            .With("limit", limit)
            .ReadAllAsync(reader => reader.GetTime(0));

    /// <summary>The attempts of the target's live codes of every purpose, for <see cref="CodeSendRules.InheritedAttempts"/>.</summary>
    private static async Task<List<int>> ReadLiveAttemptsAsync(PostgresWriteContext context, string target, DateTimeOffset now)
    {
        var codes = await context.Command("SELECT attempts, expires_at FROM one_time_codes WHERE target = @target AND NOT used")
            .With("target", target)
            .ReadAllAsync(reader => (Attempts: reader.GetInt32(0), ExpiresAt: reader.GetTime(1)));
        return [.. codes.Where(c => AttemptRules.IsLive(c.ExpiresAt, now)).Select(c => c.Attempts)];
    }
}
