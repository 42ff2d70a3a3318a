using Roost.Core.Accounts;

namespace Roost.Server.Options;

/// <summary>Range and consistency rules for <see cref="RoostOptions"/>. Each message names the setting and what it allows.</summary>
public static class RoostOptionsValidator
{
    public static IReadOnlyList<string> Validate(RoostOptions options, string environmentName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var server = options.Server;
        var urls = server.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            problems.Add("Roost:Server:Urls must name at least one address, for example http://127.0.0.1:8080.");
        }

        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https"))
            {
                problems.Add($"Roost:Server:Urls has '{url}', which is not an http:// or https:// address.");
            }
        }

        Range(problems, "Roost:Server:ShutdownTimeout", server.ShutdownTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Range(problems, "Roost:Server:MaxJsonBodyBytes", server.MaxJsonBodyBytes, 1024, 16 * 1024 * 1024);

        var storage = options.Storage;
        if (string.IsNullOrWhiteSpace(storage.DataDirectory))
        {
            problems.Add("Roost:Storage:DataDirectory must name a folder.");
        }

        if (string.IsNullOrWhiteSpace(storage.FileName) || storage.FileName.IndexOfAny(['/', '\\']) >= 0)
        {
            problems.Add("Roost:Storage:FileName must be a plain file name, without folders.");
        }

        Range(problems, "Roost:Storage:MaxWriteBatch", storage.MaxWriteBatch, 1, 10_000);
        Range(problems, "Roost:Storage:WriterCacheMiB", storage.WriterCacheMiB, 2, 65_536);
        Range(problems, "Roost:Storage:WriteQueueCapacity", storage.WriteQueueCapacity, 1, 1_000_000);
        if (storage.Engine == StorageEngine.Postgres)
        {
            problems.AddRange(Roost.Storage.Postgres.PostgresConnections.Validate(storage.ToPostgres(), "Roost:Storage:Postgres"));
        }

        var cluster = options.Cluster;
        if (cluster.NodeId.Length > 0 && (cluster.NodeId.Length > 64 || !cluster.NodeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            problems.Add("Roost:Cluster:NodeId may hold up to 64 letters, digits, '-', '_' and '.' (or be empty for a generated one).");
        }

        if (!Roost.Core.Cluster.NodeStatus.IsWorkable(cluster.HeartbeatInterval, cluster.DeadAfter) || cluster.HeartbeatInterval > TimeSpan.FromMinutes(5))
        {
            problems.Add("Roost:Cluster:HeartbeatInterval must be between 0 and 5 minutes, and Roost:Cluster:DeadAfter at least three times it.");
        }

        if (cluster.Bus == ClusterBus.RabbitMq)
        {
            if (storage.Engine != StorageEngine.Postgres)
            {
                problems.Add("Roost:Cluster:Bus is RabbitMq, so Roost:Storage:Engine must be Postgres: the nodes of a cluster share one PostgreSQL database (SQLite serves one node).");
            }

            if (string.IsNullOrWhiteSpace(options.Identity.EncryptionKey))
            {
                problems.Add("Roost:Cluster:Bus is RabbitMq, so Roost:Identity:EncryptionKey must be set, to the same key on every node: it protects stored secrets every node reads, and signs the messages between nodes (a generated key file would differ per node).");
            }

            problems.AddRange(Roost.Bus.RabbitMq.RabbitMqConnections.Validate(cluster.ToRabbitMq("validating", []), "Roost:Cluster:RabbitMq"));
            if (string.IsNullOrWhiteSpace(cluster.RabbitMq.Exchange))
            {
                problems.Add("Roost:Cluster:RabbitMq:Exchange must name an exchange.");
            }

            if (options.Media.Store == MediaStoreKind.Local)
            {
                problems.Add("Roost:Cluster:Bus is RabbitMq, so Roost:Media:Store must be S3: every node must read the media any node stored, and a local folder is one machine's only (set Roost:Media:S3:ServiceUrl, Bucket, AccessKey and SecretKey).");
            }
        }

        problems.AddRange(MediaOptionsValidator.Validate(options.Media));

        var accounts = options.Accounts;
        var minimumIterations = accounts.AllowWeakPasswordHashing ? 1_000 : Pbkdf2PasswordHasher.RecommendedIterations;
        Range(problems, "Roost:Accounts:PasswordHashIterations", accounts.PasswordHashIterations, minimumIterations, 10_000_000);
        if (accounts.AllowWeakPasswordHashing && IsProduction(environmentName))
        {
            problems.Add("Roost:Accounts:AllowWeakPasswordHashing must be false in the Production environment.");
        }

        var limits = options.RateLimits;
        Window(problems, "Roost:RateLimits:RegisterPerIp", limits.RegisterPerIp);
        Window(problems, "Roost:RateLimits:LoginPerIp", limits.LoginPerIp);
        Window(problems, "Roost:RateLimits:LoginAttemptsPerAccountAndNetwork", limits.LoginAttemptsPerAccountAndNetwork);
        Window(problems, "Roost:RateLimits:LoginAttemptsPerAccount", limits.LoginAttemptsPerAccount);
        Window(problems, "Roost:RateLimits:LoginAttemptsPerDeviceKey", limits.LoginAttemptsPerDeviceKey);
        Window(problems, "Roost:RateLimits:PasswordChecksPerAccount", limits.PasswordChecksPerAccount);
        var messaging = options.Messaging;
        Range(problems, "Roost:Messaging:MaxMessageBytes", messaging.MaxMessageBytes, 1, 1024 * 1024);
        Range(problems, "Roost:Messaging:MaxGroupMembers", messaging.MaxGroupMembers, 2, 100_000);
        Range(problems, "Roost:Messaging:EventRetention", messaging.EventRetention, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650));
        Range(problems, "Roost:Messaging:CompactionInterval", messaging.CompactionInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));

        var sendLimits = messaging.RateLimits;
        Bucket(problems, "Roost:Messaging:RateLimits:MessagesPerAccount", sendLimits.MessagesPerAccount);
        Bucket(problems, "Roost:Messaging:RateLimits:BytesPerAccount", sendLimits.BytesPerAccount);
        if (sendLimits.BytesPerAccount.Burst < messaging.MaxMessageBytes)
        {
            problems.Add($"Roost:Messaging:RateLimits:BytesPerAccount:Burst ({sendLimits.BytesPerAccount.Burst}) must be at least Roost:Messaging:MaxMessageBytes ({messaging.MaxMessageBytes}), or the largest message could never be sent.");
        }

        Bucket(problems, "Roost:Messaging:RateLimits:MessagesPerConversation", sendLimits.MessagesPerConversation);
        Bucket(problems, "Roost:Messaging:RateLimits:ReceiptsPerAccount", sendLimits.ReceiptsPerAccount);
        Bucket(problems, "Roost:Messaging:RateLimits:TypingPerAccount", sendLimits.TypingPerAccount);
        Bucket(problems, "Roost:Messaging:RateLimits:PresenceSubscribesPerAccount", sendLimits.PresenceSubscribesPerAccount);
        Range(problems, "Roost:Messaging:RateLimits:MaxTrackedKeys", sendLimits.MaxTrackedKeys, 100, 10_000_000);

        var gateway = options.Gateway;
        Range(problems, "Roost:Gateway:MaxFrameBytes", gateway.MaxFrameBytes, 1024, 16 * 1024 * 1024);
        if (gateway.MaxFrameBytes < messaging.MaxMessageBytes + 1024)
        {
            problems.Add($"Roost:Gateway:MaxFrameBytes ({gateway.MaxFrameBytes}) must exceed Roost:Messaging:MaxMessageBytes ({messaging.MaxMessageBytes}) by at least 1024, so the largest message fits in a frame.");
        }

        Range(problems, "Roost:Gateway:OutboxCapacity", gateway.OutboxCapacity, 16, 1_000_000);
        if (gateway.OutboxCapacity < 2 * options.Storage.MaxWriteBatch)
        {
            // One commit can put a whole batch of events into one connection's outbox at once.
            problems.Add($"Roost:Gateway:OutboxCapacity ({gateway.OutboxCapacity}) must be at least twice Roost:Storage:MaxWriteBatch ({options.Storage.MaxWriteBatch}), or a burst from one commit cuts off healthy connections.");
        }

        Range(problems, "Roost:Gateway:MaxInFlightSends", gateway.MaxInFlightSends, 1, 100_000);
        Range(problems, "Roost:Gateway:SyncPageSize", gateway.SyncPageSize, 1, 10_000);
        Range(problems, "Roost:Gateway:KeepAliveInterval", gateway.KeepAliveInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Range(problems, "Roost:Gateway:KeepAliveTimeout", gateway.KeepAliveTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Range(problems, "Roost:Gateway:CloseTimeout", gateway.CloseTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Range(problems, "Roost:Gateway:MaxInvalidFrames", gateway.MaxInvalidFrames, 1, 10_000);
        Range(problems, "Roost:Gateway:TypingInterval", gateway.TypingInterval, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        var identity = options.Identity;
        if (identity.EncryptionKey.Length > 0 && !IsBase64Key(identity.EncryptionKey))
        {
            problems.Add("Roost:Identity:EncryptionKey must be base64 of exactly 32 bytes (for example: openssl rand -base64 32).");
        }

        if (identity.EncryptionKey.Length == 0 && IsProduction(environmentName))
        {
            problems.Add("Roost:Identity:EncryptionKey is required in the Production environment (base64 of 32 random bytes: openssl rand -base64 32).");
        }

        Range(problems, "Roost:Identity:CodeLifetime", identity.CodeLifetime, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        Range(problems, "Roost:Identity:CodeMaxAttempts", identity.CodeMaxAttempts, 1, 20);
        Range(problems, "Roost:Identity:ChallengeLifetime", identity.ChallengeLifetime, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        Range(problems, "Roost:Identity:ChallengeMaxAttempts", identity.ChallengeMaxAttempts, 1, 20);
        SendLimit(problems, "Roost:Identity:SendsPerNumber", identity.SendsPerNumber);
        SendLimit(problems, "Roost:Identity:SendsPerIp", identity.SendsPerIp);
        identity.SmsCountries.ToRules(problems);
        if (string.IsNullOrWhiteSpace(identity.TotpIssuer) || identity.TotpIssuer.Contains(':', StringComparison.Ordinal))
        {
            problems.Add("Roost:Identity:TotpIssuer must be a name without ':'.");
        }

        if (options.Admin.Token.Length is > 0 and < 24)
        {
            problems.Add("Roost:Admin:Token must have at least 24 characters (it guards every account): for example openssl rand -base64 32.");
        }

        Range(problems, "Roost:Moderation:MaxOpenReportsPerAccount", options.Moderation.MaxOpenReportsPerAccount, 1, 10_000);
        Window(problems, "Roost:Moderation:ReportsPerAccount", options.Moderation.ReportsPerAccount);

        var sms = options.Sms;
        if (sms.Provider == SmsProvider.Development && IsProduction(environmentName) && !sms.AllowDevelopmentProviderInProduction)
        {
            problems.Add("Roost:Sms:Provider is Development, which only writes codes to the log: configure Twilio (Roost:Sms:Provider=Twilio and Roost:Sms:Twilio:*), or set Roost:Sms:AllowDevelopmentProviderInProduction=true on purpose.");
        }

        if (sms.Provider == SmsProvider.Twilio)
        {
            var twilio = sms.Twilio;
            if (string.IsNullOrWhiteSpace(twilio.AccountSid) || string.IsNullOrWhiteSpace(twilio.AuthToken))
            {
                problems.Add("Roost:Sms:Twilio:AccountSid and Roost:Sms:Twilio:AuthToken are required with the Twilio provider.");
            }

            if (twilio.VerifyServiceSid.Length == 0 && twilio.FromNumber.Length == 0 && twilio.MessagingServiceSid.Length == 0)
            {
                problems.Add("Roost:Sms:Twilio needs FromNumber or MessagingServiceSid (Messages API), or VerifyServiceSid (Verify API).");
            }

            foreach (var (name, url) in new[] { ("ApiBaseUrl", twilio.ApiBaseUrl), ("VerifyBaseUrl", twilio.VerifyBaseUrl) })
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    problems.Add($"Roost:Sms:Twilio:{name} must be an http(s) URL; got '{url}'.");
                }
            }

            Range(problems, "Roost:Sms:Twilio:Timeout", twilio.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(2));
            Range(problems, "Roost:Sms:Twilio:MaxRetries", twilio.MaxRetries, 0, 10);
            Range(problems, "Roost:Sms:Twilio:RetryBaseDelay", twilio.RetryBaseDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1));
            Range(problems, "Roost:Sms:Twilio:BreakerFailureRatio", twilio.BreakerFailureRatio, 0.01, 1.0);
            Range(problems, "Roost:Sms:Twilio:BreakerMinimumCalls", twilio.BreakerMinimumCalls, 2, 1000);
            Range(problems, "Roost:Sms:Twilio:BreakerSamplingWindow", twilio.BreakerSamplingWindow, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
            Range(problems, "Roost:Sms:Twilio:BreakerBreakDuration", twilio.BreakerBreakDuration, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        }

        ValidatePush(problems, options.Push, environmentName);
        return problems;
    }

    private static bool IsProduction(string environmentName) => string.Equals(environmentName, "Production", StringComparison.OrdinalIgnoreCase);

    private static bool IsBase64Key(string value)
    {
        Span<byte> bytes = stackalloc byte[48];
        return Convert.TryFromBase64String(value, bytes, out var length) && length == 32;
    }

    private static void SendLimit(List<string> problems, string path, SendLimit limit)
    {
        Range(problems, path + ":PermitLimit", limit.PermitLimit, 1, 1_000_000);
        Range(problems, path + ":Window", limit.Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Range(problems, path + ":Backoff", limit.Backoff, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
    }

    private static void Window(List<string> problems, string path, WindowLimit limit)
    {
        Range(problems, path + ":PermitLimit", limit.PermitLimit, 1, 1_000_000);
        Range(problems, path + ":Window", limit.Window, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
    }

    private static void Bucket(List<string> problems, string path, Roost.Core.RateLimiting.BucketLimit limit)
    {
        Range(problems, path + ":Rate", limit.Rate, 0.001, 1e12);
        Range(problems, path + ":Period", limit.Period, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        Range(problems, path + ":Burst", limit.Burst, 1, 1e12);
    }

    private static void ValidatePush(List<string> problems, PushOptions push, string environmentName)
    {
        Range(problems, "Roost:Push:CoalesceWindow", push.CoalesceWindow, TimeSpan.Zero, TimeSpan.FromDays(1));
        Range(problems, "Roost:Push:TimeToLive", push.TimeToLive, TimeSpan.Zero, TimeSpan.FromDays(28));
        Range(problems, "Roost:Push:MaxAttempts", push.MaxAttempts, 1, 100);
        Range(problems, "Roost:Push:RetryBaseDelay", push.RetryBaseDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Range(problems, "Roost:Push:MaxRetryDelay", push.MaxRetryDelay, push.RetryBaseDelay, TimeSpan.FromDays(1));
        Range(problems, "Roost:Push:Lease", push.Lease, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Range(problems, "Roost:Push:ClaimBatch", push.ClaimBatch, 1, 10_000);
        Range(problems, "Roost:Push:MaxConcurrencyPerProvider", push.MaxConcurrencyPerProvider, 1, 10_000);
        Range(problems, "Roost:Push:RatePerPartition", push.RatePerPartition, 0, 1_000_000);
        Range(problems, "Roost:Push:BurstPerPartition", push.BurstPerPartition, 1, 1_000_000);
        Range(problems, "Roost:Push:BreakerFailures", push.BreakerFailures, 1, 1_000);
        Range(problems, "Roost:Push:BreakerOpenFor", push.BreakerOpenFor, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));

        var web = push.WebPush;
        if (web.Subject.Length > 0 && !web.Subject.StartsWith("mailto:", StringComparison.Ordinal) && !web.Subject.StartsWith("https://", StringComparison.Ordinal))
        {
            problems.Add("Roost:Push:WebPush:Subject is a contact for push services: mailto:someone@example.com or an https:// URL.");
        }

        if (web.AllowPrivateEndpoints && IsProduction(environmentName))
        {
            problems.Add("Roost:Push:WebPush:AllowPrivateEndpoints must be false in Production: it would let any user make this server send requests into its own network.");
        }

        if (web.VapidPrivateKey.Length > 0 && !IsP256PrivateKey(web.VapidPrivateKey))
        {
            problems.Add("Roost:Push:WebPush:VapidPrivateKey is base64url of the 32-byte P-256 private key (or empty to derive it from the identity key).");
        }

        var apns = push.Apns;
        if (apns.TopicList().Count > 0)
        {
            if (apns.KeyId.Length != 10 || apns.TeamId.Length != 10)
            {
                problems.Add("Roost:Push:Apns:KeyId and Roost:Push:Apns:TeamId are Apple's 10-character ids of the key and the team.");
            }

            if (apns.PrivateKeyFile.Length == 0 || !File.Exists(apns.PrivateKeyFile))
            {
                problems.Add("Roost:Push:Apns:PrivateKeyFile must name the .p8 key file (PKCS#8 PEM) Apple gave for the key.");
            }
        }

        Range(problems, "Roost:Push:Apns:Connections", apns.Connections, 1, 32);
        foreach (var (path, file) in new[]
        {
            ("Roost:Push:WebPush:RootCertificate", web.RootCertificate),
            ("Roost:Push:Apns:RootCertificate", apns.RootCertificate),
            ("Roost:Push:Fcm:RootCertificate", push.Fcm.RootCertificate),
            ("Roost:Push:Fcm:ServiceAccountFile", push.Fcm.ServiceAccountFile),
        })
        {
            if (file.Length > 0 && !File.Exists(file))
            {
                problems.Add($"{path} names {file}, which does not exist.");
            }
        }
    }

    /// <summary>Base64url of 32 bytes that are a P-256 private scalar (1 ≤ d &lt; n).</summary>
    private static bool IsP256PrivateKey(string text)
    {
        if (!System.Buffers.Text.Base64Url.IsValid(text, out var length) || length != 32)
        {
            return false;
        }

        try
        {
            using var keys = Roost.Push.WebPush.VapidKeys.FromPrivateKey(System.Buffers.Text.Base64Url.DecodeFromChars(text));
            return true;
        }
        catch (Exception exception) when (exception is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static void Range<T>(List<string> problems, string path, T value, T min, T max)
        where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            problems.Add($"{path} must be between {min} and {max}; got {value}.");
        }
    }
}
