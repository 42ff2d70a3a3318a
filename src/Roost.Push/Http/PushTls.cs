using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Roost.Push.Http;

/// <summary>TLS for the provider connections: the system's trust, or (when a root is configured) that root alone.</summary>
internal static class PushTls
{
    /// <summary>The root a PEM names, or null for the system's trust store; throws on a PEM with no certificate.</summary>
    public static X509Certificate2? LoadRoot(string? pem) => string.IsNullOrWhiteSpace(pem) ? null : X509Certificate2.CreateFromPem(pem);

    public static SslClientAuthenticationOptions ClientOptions(X509Certificate2? root) => new()
    {
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = root is null ? null : (_, certificate, presented, errors) => ChainsTo(root, certificate, presented, errors),
    };

    /// <summary>
    /// The name must match and the chain must end at <paramref name="root"/>: a certificate the system trusts is not
    /// enough, so a test (or a private relay) cannot be answered by anyone else.
    /// </summary>
    private static bool ChainsTo(X509Certificate2 root, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        // A certificate that names its uses must name server authentication.
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));

        // Intermediates the server sent; trust still comes only from the root.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
