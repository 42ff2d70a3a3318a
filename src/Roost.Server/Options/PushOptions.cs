using Roost.Core.Push;

namespace Roost.Server.Options;

/// <summary>Push notifications (<c>Roost:Push</c>): the queue's behaviour, and each provider's credentials. docs/push.md explains each.</summary>
public sealed record PushOptions
{
    /// <summary>After a push for a conversation, later messages in it wait this long for the next push.</summary>
    public TimeSpan CoalesceWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a provider may hold a push for a device that is off.</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromDays(7);

    public int MaxAttempts { get; init; } = 8;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a node holds a claimed push before another node may send it (a node that died).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    public int ClaimBatch { get; init; } = 200;

    /// <summary>Requests in flight at once per provider.</summary>
    public int MaxConcurrencyPerProvider { get; init; } = 64;

    /// <summary>Pushes per second per partition (APNs topic, FCM project, Web Push service); 0: no limit.</summary>
    public double RatePerPartition { get; init; } = 500;

    public int BurstPerPartition { get; init; } = 100;

    /// <summary>Consecutive failures of a partition that open its breaker.</summary>
    public int BreakerFailures { get; init; } = 5;

    public TimeSpan BreakerOpenFor { get; init; } = TimeSpan.FromSeconds(30);

    public WebPushSettings WebPush { get; init; } = new();

    public ApnsSettings Apns { get; init; } = new();

    public FcmSettings Fcm { get; init; } = new();

    public PushPolicy ToPolicy() => new()
    {
        CoalesceWindow = CoalesceWindow,
        TimeToLive = TimeToLive,
        MaxAttempts = MaxAttempts,
        RetryBaseDelay = RetryBaseDelay,
        MaxRetryDelay = MaxRetryDelay,
        Lease = Lease,
        ClaimBatch = ClaimBatch,
        MaxConcurrencyPerProvider = MaxConcurrencyPerProvider,
        RatePerPartition = RatePerPartition,
        BurstPerPartition = BurstPerPartition,
        BreakerFailures = BreakerFailures,
        BreakerOpenFor = BreakerOpenFor,
    };
}

public sealed record WebPushSettings
{
    public bool Enabled { get; init; } = true;

    /// <summary>The VAPID contact push services may write to about this server: <c>mailto:ops@example.com</c> or an https URL.</summary>
    public string Subject { get; init; } = "";

    /// <summary>Base64url of the 32-byte P-256 private key. Empty: derived from the identity key (the same on every node).</summary>
    public string VapidPrivateKey { get; init; } = "";

    /// <summary>Tests only: endpoints on loopback or private addresses, and over http.</summary>
    public bool AllowPrivateEndpoints { get; init; }

    /// <summary>Tests only: a PEM file of the one root CA push services' certificates must chain to.</summary>
    public string RootCertificate { get; init; } = "";

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

public sealed record ApnsSettings
{
    /// <summary>The 10-character id of the .p8 key (Apple Developer, Keys).</summary>
    public string KeyId { get; init; } = "";

    public string TeamId { get; init; } = "";

    /// <summary>The .p8 file (PKCS#8 PEM), readable only by the server.</summary>
    public string PrivateKeyFile { get; init; } = "";

    /// <summary>Bundle ids the key may send for, comma separated. Empty: APNs is off.</summary>
    public string Topics { get; init; } = "";

    public string ProductionUrl { get; init; } = "https://api.push.apple.com";

    public string SandboxUrl { get; init; } = "https://api.sandbox.push.apple.com";

    /// <summary>HTTP/2 connections per environment, used round-robin (APNs treats rapid reconnects as an attack).</summary>
    public int Connections { get; init; } = 2;

    /// <summary>Tests only: a PEM file of the one root CA the APNs certificate must chain to.</summary>
    public string RootCertificate { get; init; } = "";

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<string> TopicList() => Topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed record FcmSettings
{
    /// <summary>The Google service-account key JSON file, readable only by the server. Empty: FCM is off.</summary>
    public string ServiceAccountFile { get; init; } = "";

    /// <summary>Default: the service account's project_id.</summary>
    public string ProjectId { get; init; } = "";

    public string SendUrl { get; init; } = "https://fcm.googleapis.com";

    /// <summary>Tests only: a PEM file of the one root CA FCM's (and its token endpoint's) certificates must chain to.</summary>
    public string RootCertificate { get; init; } = "";

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
