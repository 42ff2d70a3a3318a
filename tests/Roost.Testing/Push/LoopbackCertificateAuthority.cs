using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Roost.Testing.Push;

/// <summary>
/// A throwaway CA and a server certificate it issued for 127.0.0.1 and localhost: a local receiver serves TLS that a
/// client trusts only by being given <see cref="RootPem"/>, as it would a real service's CA.
/// </summary>
public sealed class LoopbackCertificateAuthority : IDisposable
{
    private LoopbackCertificateAuthority(string rootPem, X509Certificate2 serverCertificate)
    {
        RootPem = rootPem;
        ServerCertificate = serverCertificate;
    }

    public string RootPem { get; }

    /// <summary>With its private key, for Kestrel.</summary>
    public X509Certificate2 ServerCertificate { get; }

    public static LoopbackCertificateAuthority Create()
    {
        // Real time: the TLS client checks validity against the system clock, not a test's manual one.
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Roost test push CA", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        using var issued = serverRequest.Create(root, now.AddDays(-1), now.AddDays(6), RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(serverKey);

        // Through PKCS#12 so the key is a persisted one, as the TLS stack wants on every platform.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
        return new LoopbackCertificateAuthority(root.ExportCertificatePem(), server);
    }

    public void Dispose() => ServerCertificate.Dispose();
}
