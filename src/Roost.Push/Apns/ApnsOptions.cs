using System.Security.Cryptography;

namespace Roost.Push.Apns;

/// <summary>One APNs signing key (a team's .p8 key) and the apps it sends for.</summary>
public sealed class ApnsOptions
{
    /// <summary>The 10-character Apple Developer team id (the token's <c>iss</c>).</summary>
    public string TeamId { get; init; } = "";

    /// <summary>The 10-character id of the signing key (the token's <c>kid</c>).</summary>
    public string KeyId { get; init; } = "";

    /// <summary>The .p8 key: PKCS#8 EC P-256 as PEM text. A secret: never printed.</summary>
    public string PrivateKeyPem { get; init; } = "";

    /// <summary>The bundle ids this key may send for (without the <c>.voip</c> suffix).</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    public string ProductionUrl { get; init; } = "https://api.push.apple.com";

    public string SandboxUrl { get; init; } = "https://api.sandbox.push.apple.com";

    /// <summary>Long-lived HTTP/2 connections per environment, used in turn; Apple asks for few, kept open.</summary>
    public int Connections { get; init; } = 2;

    /// <summary>When set, the server's certificate must chain to this root alone (a private relay, or a test's CA).</summary>
    public string? RootCertificatePem { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What is wrong with these settings (empty when they can be used), each naming its key under <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> Validate(string prefix)
    {
        var problems = new List<string>();
        if (TeamId.Length != 10 || KeyId.Length != 10)
        {
            problems.Add($"{prefix}: TeamId and KeyId must be Apple's 10-character ids.");
        }

        if (!IsP256Key(PrivateKeyPem))
        {
            problems.Add($"{prefix}:PrivateKeyPem must be the .p8 key as PEM (PKCS#8, EC P-256).");
        }

        if (Topics.Count == 0 || Topics.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add($"{prefix}:Topics must name at least one bundle id, none empty.");
        }

        if (!IsHttps(ProductionUrl) || !IsHttps(SandboxUrl))
        {
            problems.Add($"{prefix}: ProductionUrl and SandboxUrl must be absolute https:// URLs.");
        }

        if (Connections < 1 || RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{prefix}: Connections must be at least 1 and RequestTimeout positive.");
        }

        return problems;
    }

    internal static bool IsHttps(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    private static bool IsP256Key(string pem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key.KeySize == 256;
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
