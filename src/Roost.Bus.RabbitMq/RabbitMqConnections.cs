using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using RabbitMQ.Client;

namespace Roost.Bus.RabbitMq;

/// <summary>Checks the bus settings and makes the client's connection factory from them.</summary>
public static class RabbitMqConnections
{
    /// <summary>What is wrong with the settings (empty when they can be used), each naming its key under <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> Validate(RabbitMqBusOptions options, string prefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!Uri.TryCreate(options.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || uri.Host.Length == 0)
        {
            problems.Add($"{prefix}:Uri must be an amqp:// or amqps:// URI with a host (amqps://user:password@broker:5671/).");
        }
        else if (options.RootCertificate is not null && uri.Scheme != "amqps")
        {
            problems.Add($"{prefix}:RootCertificate is set, so {prefix}:Uri must be amqps://, not {uri.Scheme}://.");
        }

        if (options.RootCertificate is { } root && !File.Exists(root))
        {
            problems.Add($"{prefix}:RootCertificate: no file at {root}.");
        }

        if (options.PublishQueueCapacity < 1 || options.MaxQueuedMessages < 1 || options.MissedAccountsCapacity < 1 || options.Prefetch < 4)
        {
            problems.Add($"{prefix}: PublishQueueCapacity, MaxQueuedMessages and MissedAccountsCapacity must be at least 1, Prefetch at least 4.");
        }

        if (options.ReconnectDelay <= TimeSpan.Zero || options.MaxReconnectDelay < options.ReconnectDelay)
        {
            problems.Add($"{prefix}: ReconnectDelay must be positive and at most MaxReconnectDelay.");
        }

        return problems;
    }

    public static ConnectionFactory CreateFactory(RabbitMqBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var uri = new Uri(options.Uri);
        var factory = new ConnectionFactory
        {
            Uri = uri,
            ClientProvidedName = "roost " + options.NodeId,

            // The bus reconnects itself: it must redeclare its queue, rebind what its connections watch and have them
            // catch up, which the client's own recovery would do only in part.
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedHeartbeat = options.Heartbeat,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            ContinuationTimeout = TimeSpan.FromSeconds(10),
            HandshakeContinuationTimeout = TimeSpan.FromSeconds(10),
            ConsumerDispatchConcurrency = 1,
        };

        if (uri.Scheme == "amqps")
        {
            // The client's amqps default accepts a certificate for another name; the broker's name is checked here.
            var root = options.RootCertificate is { } path ? X509Certificate2.CreateFromPem(File.ReadAllText(path)) : null;
            factory.Ssl = new SslOption(uri.Host, enabled: true)
            {
                Version = SslProtocols.Tls12 | SslProtocols.Tls13,
                AcceptablePolicyErrors = SslPolicyErrors.None,
                CertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, root),
            };
        }

        return factory;
    }

    /// <summary>Trusted by the system, or (with a root certificate configured) chaining to it; the name always matching.</summary>
    private static bool IsTrusted(X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors, X509Certificate2? root)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (root is null || certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // A certificate that names its uses must name server authentication (one without the extension may serve).
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));

        // Intermediates the broker sent; trust still comes only from the configured root.
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }
}
