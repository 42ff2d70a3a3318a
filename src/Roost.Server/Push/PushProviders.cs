using Roost.Core.Identity;
using Roost.Core.Push;
using Roost.Push.Apns;
using Roost.Push.Fcm;
using Roost.Push.WebPush;
using Roost.Server.Options;

namespace Roost.Server.Push;

/// <summary>
/// The push senders <c>Roost:Push</c> configures, what they let devices register for, and the VAPID public key.
/// Key files are read once at start (their permissions checked like the identity key's); nothing secret is logged.
/// </summary>
internal sealed partial class PushProviders : IAsyncDisposable
{
    /// <summary>The VAPID contact when none is set, outside Production (in Production Web Push stays off without one).</summary>
    public const string DevelopmentSubject = "mailto:postmaster@localhost";

    private readonly List<IPushSender> _senders = [];
    private readonly VapidKeys? _vapid;

    public PushProviders(PushOptions options, bool production, SecretProtector protector, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(loggers);
        var web = options.WebPush;

        // Push services may refuse VAPID tokens without a contact (Apple's do), so Production needs a real one.
        var webPush = web.Enabled && (web.Subject.Length > 0 || !production);
        if (web.Enabled && !webPush)
        {
            Log.WebPushNeedsSubject(loggers.CreateLogger<PushProviders>());
        }

        if (webPush)
        {
            _vapid = web.VapidPrivateKey.Length > 0
                ? VapidKeys.FromPrivateKey(System.Buffers.Text.Base64Url.DecodeFromChars(web.VapidPrivateKey))
                : VapidKeys.Derive(protector.VapidSeed);
            _senders.Add(new WebPushSender(
                new WebPushOptions
                {
                    Subject = web.Subject.Length > 0 ? web.Subject : DevelopmentSubject,
                    RequestTimeout = web.RequestTimeout,
                    AllowPrivateEndpoints = web.AllowPrivateEndpoints,
                    AllowHttp = web.AllowPrivateEndpoints,
                    RootCertificatePem = ReadOptional(web.RootCertificate),
                },
                _vapid,
                time,
                loggers.CreateLogger<WebPushSender>()));
        }

        var apnsTopics = options.Apns.TopicList();
        if (apnsTopics.Count > 0)
        {
            _senders.Add(new ApnsSender(
                new ApnsOptions
                {
                    KeyId = options.Apns.KeyId,
                    TeamId = options.Apns.TeamId,
                    PrivateKeyPem = ReadSecret(options.Apns.PrivateKeyFile),
                    Topics = apnsTopics,
                    ProductionUrl = options.Apns.ProductionUrl,
                    SandboxUrl = options.Apns.SandboxUrl,
                    Connections = options.Apns.Connections,
                    RootCertificatePem = ReadOptional(options.Apns.RootCertificate),
                    RequestTimeout = options.Apns.RequestTimeout,
                },
                time,
                loggers.CreateLogger<ApnsSender>()));
        }

        var fcmProjects = new List<string>();
        if (options.Fcm.ServiceAccountFile.Length > 0)
        {
            var fcm = new FcmOptions
            {
                ServiceAccountJson = ReadSecret(options.Fcm.ServiceAccountFile),
                ProjectId = options.Fcm.ProjectId.Length > 0 ? options.Fcm.ProjectId : null,
                SendUrl = options.Fcm.SendUrl,
                RootCertificatePem = ReadOptional(options.Fcm.RootCertificate),
                RequestTimeout = options.Fcm.RequestTimeout,
            };
            if (fcm.Validate("Roost:Push:Fcm") is { Count: > 0 } problems)
            {
                throw new RoostConfigurationException(problems);
            }

            var sender = new FcmSender(fcm, time, loggers.CreateLogger<FcmSender>());
            fcmProjects.Add(sender.ProjectId);
            _senders.Add(sender);
        }

        Capabilities = new PushCapabilities(apnsTopics, fcmProjects, webPush, web.AllowPrivateEndpoints);
    }

    public IReadOnlyList<IPushSender> Senders => _senders;

    public PushCapabilities Capabilities { get; }

    /// <summary>Base64url of the VAPID public key, or null when Web Push is off.</summary>
    public string? VapidPublicKey => _vapid?.PublicKeyBase64Url;

    public ValueTask DisposeAsync()
    {
        foreach (var sender in _senders)
        {
            (sender as IDisposable)?.Dispose();
        }

        _vapid?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A key file: only the server may read it (like the identity key), or the start stops.</summary>
    private static string ReadSecret(string path)
    {
        Core.Storage.PrivateFiles.CheckFile(path, allowShared: false);
        return File.ReadAllText(path);
    }

    private static string? ReadOptional(string path) => path.Length > 0 ? File.ReadAllText(path) : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 7100, Level = LogLevel.Warning, Message = "Web Push is off: set Roost:Push:WebPush:Subject (mailto: or https: contact) to turn it on in Production")]
        public static partial void WebPushNeedsSubject(ILogger logger);
    }
}
