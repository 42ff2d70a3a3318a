using Microsoft.Data.Sqlite;
using Roost.Core.Accounts;
using Roost.Core.Identity;

namespace Roost.Storage.Sqlite;

internal sealed class SqliteIdentityStore(SqliteStore store) : IIdentityStore
{
    private const int SqliteConstraintUnique = 2067;
    private const string ChallengeColumns = "account_id, first_factor, device_name, platform, ip, expires_at";

    public Task<Account?> FindByPhoneAsync(string phone, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var command = session.Command($"SELECT {SqliteAccountStore.AccountColumns} FROM accounts WHERE phone = $phone");
            command.Parameters.AddWithValue("$phone", phone);
            return SqliteAccountStore.ReadSingle(command);
        }, cancellationToken);

    public Task<bool> SetPhoneAsync(long accountId, string phone, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var holder = context.Command("SELECT id FROM accounts WHERE phone = $phone");
            holder.Parameters.AddWithValue("$phone", phone);
            if (!FactorRules.MayTake(holder.ExecuteScalar() as long?, accountId))
            {
                return false;
            }

            var update = context.Command("UPDATE accounts SET phone = $phone WHERE id = $id");
            update.Parameters.AddWithValue("$phone", phone);
            update.Parameters.AddWithValue("$id", accountId);
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<Account?> CreatePhoneAccountAsync(NewAccount account, string phone, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command($"""
                INSERT INTO accounts (username, username_normalized, password_hash, display_name, about, created_at, phone)
                VALUES ($username, $normalized, '', $displayName, '', $createdAt, $phone)
                ON CONFLICT DO NOTHING
                RETURNING {SqliteAccountStore.AccountColumns}
                """);
            command.Parameters.AddWithValue("$username", account.Username);
            command.Parameters.AddWithValue("$normalized", account.NormalizedUsername);
            command.Parameters.AddWithValue("$displayName", account.DisplayName);
            command.Parameters.AddWithValue("$createdAt", SqliteTime.ToColumn(account.CreatedAt));
            command.Parameters.AddWithValue("$phone", phone);
            return SqliteAccountStore.ReadSingle(command);
        }, cancellationToken);

    public Task<bool> SetUsernameAsync(long accountId, string username, string normalizedUsername, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("UPDATE accounts SET username = $username, username_normalized = $normalized WHERE id = $id");
            command.Parameters.AddWithValue("$username", username);
            command.Parameters.AddWithValue("$normalized", normalizedUsername);
            command.Parameters.AddWithValue("$id", accountId);
            try
            {
                return command.ExecuteNonQuery() == 1;
            }
            catch (SqliteException exception) when (exception.SqliteExtendedErrorCode == SqliteConstraintUnique)
            {
                return false;
            }
        }, cancellationToken);

    public Task<CodeSend> CreateCodeAsync(NewCode code, SendThrottle perBudget, SendThrottle perIp, CountryBudget perCountry, CountryBudget total, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            // Checked and recorded in the writer's transaction: parallel requests cannot slip past the limits. The
            // country's count comes from the log, so a restart does not refill it.
            var since = CodeSendRules.ThrottleSince(code.Now);
            var budgetSince = CodeSendRules.BudgetSince(code.Now);
            var history = new SendHistory(
                ReadSends(context, "SELECT sent_at FROM code_sends WHERE target = $key AND sent_at >= $since", code.Budget, since),
                ReadSends(context, "SELECT sent_at FROM code_sends WHERE ip = $key AND sent_at >= $since", code.Ip, since),
                ReadSends(context, "SELECT sent_at FROM code_sends WHERE country = $key AND sent_at >= $since", perCountry.Country, budgetSince),
                ReadTotalSends(context, budgetSince, total.Limit));
            if (CodeSendRules.RetryAfter(history, perBudget, perIp, perCountry, total, code.Now) is { } retryAfter)
            {
                return CodeSend.Refused(retryAfter);
            }

            var inherited = code.RetireAllPurposes ? CodeSendRules.InheritedAttempts(ReadLiveAttempts(context, code.Target, code.Now)) : 0;

            var retire = context.Command(code.RetireAllPurposes
                ? "UPDATE one_time_codes SET used = 1 WHERE target = $target AND used = 0"
                : "UPDATE one_time_codes SET used = 1 WHERE purpose = $purpose AND target = $target AND used = 0");
            retire.Parameters.AddWithValue("$purpose", code.Purpose);
            retire.Parameters.AddWithValue("$target", code.Target);
            retire.ExecuteNonQuery();

            var insert = context.Command("""
                INSERT INTO one_time_codes (purpose, target, code_hash, attempts, expires_at, created_at) VALUES ($purpose, $target, $hash, $attempts, $expires, $now)
                """);
            insert.Parameters.AddWithValue("$purpose", code.Purpose);
            insert.Parameters.AddWithValue("$target", code.Target);
            insert.Parameters.AddWithValue("$hash", code.CodeHash);
            insert.Parameters.AddWithValue("$attempts", inherited);
            insert.Parameters.AddWithValue("$expires", SqliteTime.ToColumn(code.ExpiresAt));
            insert.Parameters.AddWithValue("$now", SqliteTime.ToColumn(code.Now));
            insert.ExecuteNonQuery();

            var send = context.Command("INSERT INTO code_sends (target, ip, sent_at, country) VALUES ($budget, $ip, $now, $country) RETURNING rowid");
            send.Parameters.AddWithValue("$budget", code.Budget);
            send.Parameters.AddWithValue("$ip", code.Ip);
            send.Parameters.AddWithValue("$now", SqliteTime.ToColumn(code.Now));
            send.Parameters.AddWithValue("$country", code.Country);
            var sendId = (long)send.ExecuteScalar()!;

            // Old bookkeeping goes as new arrives.
            var pruneBefore = SqliteTime.ToColumn(CodeSendRules.PruneBefore(code.Now));
            var prune = context.Command("DELETE FROM code_sends WHERE sent_at < $dayAgo");
            prune.Parameters.AddWithValue("$dayAgo", pruneBefore);
            prune.ExecuteNonQuery();
            var pruneCodes = context.Command("DELETE FROM one_time_codes WHERE expires_at < $dayAgo");
            pruneCodes.Parameters.AddWithValue("$dayAgo", pruneBefore);
            pruneCodes.ExecuteNonQuery();
            return new CodeSend(sendId, null);
        }, cancellationToken);

    public Task ReleaseCountrySendAsync(long sendId, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("UPDATE code_sends SET country = NULL WHERE rowid = $id");
            command.Parameters.AddWithValue("$id", sendId);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task<CodeAttempt?> CountCodeAttemptAsync(string purpose, string target, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            // The attempt is counted whatever the code turns out to be (AttemptRules).
            var newest = context.Command("SELECT id, code_hash, attempts, expires_at FROM one_time_codes WHERE purpose = $purpose AND target = $target AND used = 0 ORDER BY id DESC LIMIT 1");
            newest.Parameters.AddWithValue("$purpose", purpose);
            newest.Parameters.AddWithValue("$target", target);
            var code = newest.ReadAll(reader => (Attempt: new CodeAttempt(reader.GetInt64(0), (byte[])reader.GetValue(1)), Attempts: (int)reader.GetInt64(2), ExpiresAt: SqliteTime.FromColumn(reader.GetInt64(3)))).SingleOrDefault();
            if (code.Attempt is null || !AttemptRules.MayAttempt(code.Attempts, maxAttempts, code.ExpiresAt, now))
            {
                return null;
            }

            var count = context.Command("UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = $id");
            count.Parameters.AddWithValue("$id", code.Attempt.Id);
            count.ExecuteNonQuery();
            return code.Attempt;
        }, cancellationToken);

    public Task<bool> MarkCodeUsedAsync(long codeId, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("UPDATE one_time_codes SET used = 1 WHERE id = $id AND used = 0");
            command.Parameters.AddWithValue("$id", codeId);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<TwoFactorState> GetTwoFactorAsync(long accountId, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var command = session.Command("SELECT totp_secret, totp_confirmed, totp_last_step, sms_enabled FROM two_factor WHERE account_id = $account");
            command.Parameters.AddWithValue("$account", accountId);
            var left = session.Command("SELECT COUNT(*) FROM recovery_codes WHERE account_id = $account AND used_at IS NULL");
            left.Parameters.AddWithValue("$account", accountId);
            var codesLeft = (int)(long)left.ExecuteScalar()!;
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new TwoFactorState(
                    reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0),
                    reader.GetInt64(1) != 0,
                    reader.GetInt64(2),
                    reader.GetInt64(3) != 0,
                    codesLeft)
                : TwoFactorState.None with { RecoveryCodesLeft = codesLeft };
        }, cancellationToken);

    public Task<bool> SetPendingTotpAsync(long accountId, byte[] protectedSecret, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var confirmed = context.Command("SELECT totp_confirmed FROM two_factor WHERE account_id = $account");
            confirmed.Parameters.AddWithValue("$account", accountId);
            if (!FactorRules.MayReplaceTotp(confirmed.ExecuteScalar() is long flag && flag != 0))
            {
                return false;
            }

            var command = context.Command("""
                INSERT INTO two_factor (account_id, totp_secret, totp_confirmed) VALUES ($account, $secret, 0)
                ON CONFLICT (account_id) DO UPDATE SET totp_secret = excluded.totp_secret
                """);
            command.Parameters.AddWithValue("$account", accountId);
            command.Parameters.AddWithValue("$secret", protectedSecret);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task ConfirmTotpAsync(long accountId, long timeStep, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("UPDATE two_factor SET totp_confirmed = 1, totp_last_step = $step WHERE account_id = $account");
            command.Parameters.AddWithValue("$account", accountId);
            command.Parameters.AddWithValue("$step", timeStep);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> UseTotpStepAsync(long accountId, long timeStep, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var last = context.Command("SELECT totp_last_step FROM two_factor WHERE account_id = $account");
            last.Parameters.AddWithValue("$account", accountId);
            if (last.ExecuteScalar() is not long lastStep || !FactorRules.IsUnusedStep(lastStep, timeStep))
            {
                return false;
            }

            var command = context.Command("UPDATE two_factor SET totp_last_step = $step WHERE account_id = $account");
            command.Parameters.AddWithValue("$account", accountId);
            command.Parameters.AddWithValue("$step", timeStep);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task SetSmsFactorAsync(long accountId, bool enabled, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("""
                INSERT INTO two_factor (account_id, sms_enabled) VALUES ($account, $enabled)
                ON CONFLICT (account_id) DO UPDATE SET sms_enabled = excluded.sms_enabled
                """);
            command.Parameters.AddWithValue("$account", accountId);
            command.Parameters.AddWithValue("$enabled", enabled ? 1 : 0);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public Task ReplaceRecoveryCodesAsync(long accountId, IReadOnlyList<byte[]> codeHashes, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var clear = context.Command("DELETE FROM recovery_codes WHERE account_id = $account");
            clear.Parameters.AddWithValue("$account", accountId);
            clear.ExecuteNonQuery();
            var insert = context.Command("INSERT INTO recovery_codes (account_id, code_hash) VALUES ($account, $hash)");
            insert.Parameters.AddWithValue("$account", accountId);
            var hash = insert.Parameters.Add("$hash", SqliteType.Blob);
            foreach (var codeHash in codeHashes)
            {
                hash.Value = codeHash;
                insert.ExecuteNonQuery();
            }

            return codeHashes.Count;
        }, cancellationToken);

    public Task<bool> UseRecoveryCodeAsync(long accountId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("UPDATE recovery_codes SET used_at = $now WHERE account_id = $account AND code_hash = $hash AND used_at IS NULL");
            command.Parameters.AddWithValue("$account", accountId);
            command.Parameters.AddWithValue("$hash", codeHash);
            command.Parameters.AddWithValue("$now", SqliteTime.ToColumn(now));
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task DisableTwoFactorAsync(long accountId, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var factors = context.Command("DELETE FROM two_factor WHERE account_id = $account");
            factors.Parameters.AddWithValue("$account", accountId);
            factors.ExecuteNonQuery();
            var codes = context.Command("DELETE FROM recovery_codes WHERE account_id = $account");
            codes.Parameters.AddWithValue("$account", accountId);
            return codes.ExecuteNonQuery();
        }, cancellationToken);

    public Task CreateChallengeAsync(byte[] tokenHash, LoginChallenge challenge, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("""
                INSERT INTO login_challenges (token_hash, account_id, first_factor, device_name, platform, ip, expires_at)
                VALUES ($hash, $account, $factor, $name, $platform, $ip, $expires)
                """);
            command.Parameters.AddWithValue("$hash", tokenHash);
            command.Parameters.AddWithValue("$account", challenge.AccountId);
            command.Parameters.AddWithValue("$factor", challenge.FirstFactor);
            command.Parameters.AddWithValue("$name", challenge.DeviceName);
            command.Parameters.AddWithValue("$platform", challenge.Platform);
            command.Parameters.AddWithValue("$ip", (object?)challenge.Ip ?? DBNull.Value);
            command.Parameters.AddWithValue("$expires", SqliteTime.ToColumn(challenge.ExpiresAt));
            command.ExecuteNonQuery();
            var prune = context.Command("DELETE FROM login_challenges WHERE expires_at < $now");
            prune.Parameters.AddWithValue("$now", SqliteTime.ToColumn(AttemptRules.ChallengePruneBefore(challenge.ExpiresAt)));
            return prune.ExecuteNonQuery();
        }, cancellationToken);

    public Task<LoginChallenge?> CountChallengeAttemptAsync(byte[] tokenHash, int maxAttempts, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var load = context.Command($"SELECT {ChallengeColumns}, attempts FROM login_challenges WHERE token_hash = $hash");
            load.Parameters.AddWithValue("$hash", tokenHash);
            var found = load.ReadAll(reader => (Challenge: ReadChallenge(reader), Attempts: (int)reader.GetInt64(6))).SingleOrDefault();
            if (found.Challenge is null || !AttemptRules.MayAttempt(found.Attempts, maxAttempts, found.Challenge.ExpiresAt, now))
            {
                return null;
            }

            var count = context.Command("UPDATE login_challenges SET attempts = attempts + 1 WHERE token_hash = $hash");
            count.Parameters.AddWithValue("$hash", tokenHash);
            count.ExecuteNonQuery();
            return found.Challenge;
        }, cancellationToken);

    public Task<LoginChallenge?> FindChallengeAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.ReadSnapshotAsync(session =>
        {
            var command = session.Command($"SELECT {ChallengeColumns} FROM login_challenges WHERE token_hash = $hash");
            command.Parameters.AddWithValue("$hash", tokenHash);
            var challenge = command.ReadAll(ReadChallenge).SingleOrDefault();
            return challenge is not null && AttemptRules.IsLive(challenge.ExpiresAt, now) ? challenge : null;
        }, cancellationToken);

    public Task<bool> DeleteChallengeAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        store.WriteAsync(context =>
        {
            var command = context.Command("DELETE FROM login_challenges WHERE token_hash = $hash");
            command.Parameters.AddWithValue("$hash", tokenHash);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    private static LoginChallenge ReadChallenge(SqliteDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            SqliteTime.FromColumn(reader.GetInt64(5)));

    private static List<DateTimeOffset> ReadSends(SqliteWriteContext context, string sql, string key, DateTimeOffset since)
    {
        var command = context.Command(sql);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$since", SqliteTime.ToColumn(since));
        return command.ReadAll(reader => SqliteTime.FromColumn(reader.GetInt64(0)));
    }

    /// <summary>
    /// The newest <paramref name="limit"/> sends of every country (released ones have no country) after
    /// <paramref name="since"/>: enough for <see cref="CountryBudget.RetryAfter"/>, however large the budget.
    /// </summary>
    private static List<DateTimeOffset> ReadTotalSends(SqliteWriteContext context, DateTimeOffset since, int limit)
    {
        var command = context.Command("SELECT sent_at FROM code_sends WHERE country IS NOT NULL AND sent_at > $since ORDER BY sent_at DESC LIMIT $limit");
        command.Parameters.AddWithValue("$since", SqliteTime.ToColumn(since));
        command.Parameters.AddWithValue("$limit", limit);
        return command.ReadAll(reader => SqliteTime.FromColumn(reader.GetInt64(0)));
    }

    /// <summary>The attempts of the target's live codes of every purpose, for <see cref="CodeSendRules.InheritedAttempts"/>.</summary>
    private static List<int> ReadLiveAttempts(SqliteWriteContext context, string target, DateTimeOffset now)
    {
        var command = context.Command("SELECT attempts, expires_at FROM one_time_codes WHERE target = $target AND used = 0");
        command.Parameters.AddWithValue("$target", target);
        return [.. command.ReadAll(reader => (Attempts: (int)reader.GetInt64(0), ExpiresAt: SqliteTime.FromColumn(reader.GetInt64(1))))
            .Where(code => AttemptRules.IsLive(code.ExpiresAt, now))
            .Select(code => code.Attempts)];
    }
}
