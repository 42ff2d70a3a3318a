using Roost.Core.Identity;
using Roost.Core.Messaging;
using Roost.Core.Moderation;

namespace Roost.Server.Options;

/// <summary>
/// Every setting of a Roost server, bound from the <c>Roost</c> configuration section
/// (appsettings.json, <c>ROOST__SECTION__KEY</c> environment variables, <c>--Roost:Section:Key=value</c> arguments)
/// and validated before anything starts.
/// </summary>
public sealed record RoostOptions
{
    public const string SectionName = "Roost";

    public ServerOptions Server { get; init; } = new();

    public StorageOptions Storage { get; init; } = new();

    public ClusterOptions Cluster { get; init; } = new();

    public AccountOptions Accounts { get; init; } = new();

    public RateLimitOptions RateLimits { get; init; } = new();

    public MessagingOptions Messaging { get; init; } = new();

    public GatewayOptions Gateway { get; init; } = new();

    public IdentityOptions Identity { get; init; } = new();

    public SmsOptions Sms { get; init; } = new();

    public AdminOptions Admin { get; init; } = new();

    public ModerationOptions Moderation { get; init; } = new();

    public PushOptions Push { get; init; } = new();

    public MediaOptions Media { get; init; } = new();
}

/// <summary>User reports of messages and accounts, and how much one account may report.</summary>
public sealed record ModerationOptions
{
    /// <summary>Reports of one account waiting for review at once; past it, further reports wait until operators resolve some.</summary>
    public int MaxOpenReportsPerAccount { get; init; } = 20;

    /// <summary>Reports one account may make per window.</summary>
    public WindowLimit ReportsPerAccount { get; init; } = new() { PermitLimit = 10, Window = TimeSpan.FromHours(1) };

    public ReportLimits ToLimits() => new() { MaxOpenPerReporter = MaxOpenReportsPerAccount, MaxPerWindow = ReportsPerAccount.PermitLimit, Window = ReportsPerAccount.Window };
}

public sealed record AdminOptions
{
    /// <summary>The token the admin API (/v1/admin) requires in X-Admin-Token. Empty: the admin API is off (404).</summary>
    public string Token { get; init; } = "";
}

public sealed record IdentityOptions
{
    /// <summary>
    /// Base64 of 32 random bytes: encrypts TOTP secrets and keys one-time-code hashes. Required in Production; elsewhere,
    /// when empty, a key is generated once into the data folder (identity.key).
    /// </summary>
    public string EncryptionKey { get; init; } = "";

    public TimeSpan CodeLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public int CodeMaxAttempts { get; init; } = 5;

    /// <summary>Codes sent to one number; past the limit each further send in a day waits twice as long (starting at Backoff).</summary>
    public SendLimit SendsPerNumber { get; init; } = new() { PermitLimit = 3, Window = TimeSpan.FromMinutes(10), Backoff = TimeSpan.FromMinutes(10) };

    public SendLimit SendsPerIp { get; init; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(10), Backoff = TimeSpan.FromMinutes(10) };

    public TimeSpan ChallengeLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public int ChallengeMaxAttempts { get; init; } = 5;

    /// <summary>The issuer authenticator apps show next to the account.</summary>
    public string TotpIssuer { get; init; } = "Roost";

    /// <summary>Which countries SMS codes go to, and how many each may be sent per hour.</summary>
    public SmsCountryOptions SmsCountries { get; init; } = new();
}

/// <summary>
/// Lists are comma-separated region codes (GB, US, JM), 001 (non-geographic numbers such as +800, +870, +881, +882)
/// or country calling codes (+44); a number matches by either. A region is what +1's countries are told apart by.
/// </summary>
public sealed record SmsCountryOptions
{
    /// <summary>Only these countries get codes. Empty: every country not denied, except non-geographic numbers (they need 001 or their calling code here).</summary>
    public string Allow { get; init; } = "";

    /// <summary>These countries never get codes, even when allowed.</summary>
    public string Deny { get; init; } = "";

    /// <summary>Codes that went out to one country (region) within any hour; past it, 429 rate_limited.</summary>
    public int SendsPerHour { get; init; } = 100;

    /// <summary>Per-region budgets replacing <see cref="SendsPerHour"/>, as "GB=500, NG=0, 001=10" (0: none at all).</summary>
    public string SendsPerHourByRegion { get; init; } = "";

    /// <summary>Codes that went out to all countries together within any hour; past it, 429 rate_limited.</summary>
    public int SendsPerHourTotal { get; init; } = 1000;

    /// <summary>The rules, or null with what is wrong in <paramref name="problems"/>.</summary>
    public SmsCountryRules? ToRules(List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        const string Path = "Roost:Identity:SmsCountries";
        var before = problems.Count;
        var allow = SmsCountryRules.ParseCountries(Allow, out var allowProblem);
        if (allow is null)
        {
            problems.Add($"{Path}:Allow: {allowProblem}.");
        }

        var deny = SmsCountryRules.ParseCountries(Deny, out var denyProblem);
        if (deny is null)
        {
            problems.Add($"{Path}:Deny: {denyProblem}.");
        }

        if (SendsPerHour is < 0 or > 1_000_000)
        {
            problems.Add($"{Path}:SendsPerHour must be between 0 and 1000000; got {SendsPerHour}.");
        }

        if (SendsPerHourTotal is < 0 or > 1_000_000)
        {
            problems.Add($"{Path}:SendsPerHourTotal must be between 0 and 1000000; got {SendsPerHourTotal}.");
        }

        var byRegion = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in SendsPerHourByRegion.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', StringSplitOptions.TrimEntries);
            // Budgets are kept per region, so a calling code ("44", "01") here would never apply.
            var region = parts.Length == 2 ? SmsCountryRules.ParseCountry(parts[0]) : null;
            if (region is not null && region.StartsWith('+'))
            {
                region = null;
            }

            if (region is null || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) || limit > 1_000_000)
            {
                problems.Add($"{Path}:SendsPerHourByRegion: '{entry}' is not REGION=COUNT (such as GB=500) with a known region (or 001) and a count up to 1000000.");
                continue;
            }

            byRegion[region] = limit;
        }

        return problems.Count > before
            ? null
            : new SmsCountryRules { Allow = allow!, Deny = deny!, SendsPerHour = SendsPerHour, SendsPerHourByRegion = byRegion, SendsPerHourTotal = SendsPerHourTotal };
    }
}

public sealed record SendLimit
{
    public int PermitLimit { get; init; }

    public TimeSpan Window { get; init; }

    public TimeSpan Backoff { get; init; }
}

public enum SmsProvider
{
    /// <summary>Writes codes to the log. For development; refused in Production unless allowed.</summary>
    Development,

    /// <summary>Twilio: the Messages API, or the Verify API when a Verify service SID is set.</summary>
    Twilio,
}

public sealed record SmsOptions
{
    public SmsProvider Provider { get; init; } = SmsProvider.Development;

    /// <summary>Lets the development provider run in Production (for example, a staging box with no SMS contract).</summary>
    public bool AllowDevelopmentProviderInProduction { get; init; }

    public TwilioOptions Twilio { get; init; } = new();
}

public sealed record TwilioOptions
{
    public string AccountSid { get; init; } = "";

    public string AuthToken { get; init; } = "";

    /// <summary>Sender number (E.164) for the Messages API; or set <see cref="MessagingServiceSid"/>.</summary>
    public string FromNumber { get; init; } = "";

    public string MessagingServiceSid { get; init; } = "";

    /// <summary>When set, codes go through the Verify API (Twilio makes and checks them) instead of the Messages API.</summary>
    public string VerifyServiceSid { get; init; } = "";

    public string ApiBaseUrl { get; init; } = "https://api.twilio.com";

    public string VerifyBaseUrl { get; init; } = "https://verify.twilio.com";

    /// <summary>Per attempt.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxRetries { get; init; } = 3;

    /// <summary>First retry delay; doubled each retry, with jitter. A 429's Retry-After is honoured when longer.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The circuit opens when this share of at least <see cref="BreakerMinimumCalls"/> calls within <see cref="BreakerSamplingWindow"/> fail.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    public int BreakerMinimumCalls { get; init; } = 4;

    public TimeSpan BreakerSamplingWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls before one probe may try again.</summary>
    public TimeSpan BreakerBreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}

public sealed record MessagingOptions
{
    /// <summary>Largest message body, in bytes of UTF-8.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    public int MaxGroupMembers { get; init; } = 1024;

    /// <summary>Events older than this may be compacted; a device whose cursor is older must resync.</summary>
    public TimeSpan EventRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How often expired events are compacted.</summary>
    public TimeSpan CompactionInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Token-bucket limits on sends, receipts and typing (docs/protocol.md, "Limits").</summary>
    public SendLimits RateLimits { get; init; } = new();

    public MessagingLimits ToLimits() => new() { MaxMessageBytes = MaxMessageBytes, MaxGroupMembers = MaxGroupMembers };
}

public sealed record GatewayOptions
{
    /// <summary>Largest WebSocket message a client may send; bigger ones close the connection (1009).</summary>
    public int MaxFrameBytes { get; init; } = 128 * 1024;

    /// <summary>Frames queued for one connection; a connection that falls this far behind is closed (4008) and resyncs.</summary>
    public int OutboxCapacity { get; init; } = 1024;

    /// <summary>Sends of one connection waiting for their commit; more wait before being read.</summary>
    public int MaxInFlightSends { get; init; } = 256;

    /// <summary>Events read from the store per page while syncing.</summary>
    public int SyncPageSize { get; init; } = 500;

    /// <summary>Ping interval; a peer that does not answer within <see cref="KeepAliveTimeout"/> is dropped.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Invalid frames tolerated per connection before it is closed (1008).</summary>
    public int MaxInvalidFrames { get; init; } = 20;

    /// <summary>How long a closing connection waits for the peer to take the close frame and answer it before it is cut.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Typing indicators per conversation per connection are passed on at most this often.</summary>
    public TimeSpan TypingInterval { get; init; } = TimeSpan.FromSeconds(2);
}

public sealed record ServerOptions
{
    /// <summary>Addresses Kestrel listens on, separated by ';'. Port 0 picks a free port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>How long a stopping server waits for in-flight requests before it closes the store and exits.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest request body accepted by the JSON endpoints.</summary>
    public long MaxJsonBodyBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// Kestrel runs socket continuations on its I/O thread instead of queueing each to the thread pool: fewer thread
    /// hops per message (about 15 % of the CPU and half the median ack latency at 1,000 msgs/s, docs/benchmarks.md).
    /// Only the gateway's frame handling stays on that thread; every other request moves to the thread pool first.
    /// </summary>
    public bool InlineSocketScheduling { get; init; } = true;
}

public sealed record AccountOptions
{
    /// <summary>PBKDF2-HMAC-SHA256 iterations for new hashes; older hashes are upgraded at the next log-in.</summary>
    public int PasswordHashIterations { get; init; } = 600_000;

    /// <summary>
    /// Lets <see cref="PasswordHashIterations"/> go below 600,000, for test and benchmark instances that create
    /// thousands of accounts. Refused in the Production environment.
    /// </summary>
    public bool AllowWeakPasswordHashing { get; init; }
}

public sealed record RateLimitOptions
{
    /// <summary>Registrations per client IP.</summary>
    public WindowLimit RegisterPerIp { get; init; } = new() { PermitLimit = 20, Window = TimeSpan.FromHours(1) };

    /// <summary>Log-in attempts per client IP, whatever their outcome.</summary>
    public WindowLimit LoginPerIp { get; init; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// Log-in attempts for one account (by username, whether or not it exists) from one network (an IPv4 address or an
    /// IPv6 /64). Past it, that network is locked out of that account; the owner elsewhere is not.
    /// </summary>
    public WindowLimit LoginAttemptsPerAccountAndNetwork { get; init; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };

    /// <summary>
    /// Log-in attempts for one account from every network together, so a password cannot be guessed from many
    /// addresses. Past it, only a device key or a second factor gets in.
    /// </summary>
    public WindowLimit LoginAttemptsPerAccount { get; init; } = new() { PermitLimit = 100, Window = TimeSpan.FromMinutes(15) };

    /// <summary>Log-in attempts with one device key; past it the key is ignored and the limits above apply.</summary>
    public WindowLimit LoginAttemptsPerDeviceKey { get; init; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };

    /// <summary>Password checks by a signed-in account (change password, delete account).</summary>
    public WindowLimit PasswordChecksPerAccount { get; init; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };
}

/// <summary>At most <see cref="PermitLimit"/> requests per fixed <see cref="Window"/>.</summary>
public sealed record WindowLimit
{
    public int PermitLimit { get; init; }

    public TimeSpan Window { get; init; }
}
