namespace Roost.Push.WebPush;

/// <summary>How the server sends Web Push: its VAPID contact and token lifetime, and the bounds of each request.</summary>
public sealed record WebPushOptions
{
    /// <summary>RFC 8292 allows a token to live at most 24 hours.</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// The VAPID <c>sub</c> claim: a <c>mailto:</c> or <c>https:</c> contact the push service's operators can reach
    /// when this server misbehaves. Required.
    /// </summary>
    public string Subject { get; init; } = "";

    /// <summary>How far ahead a token's <c>exp</c> is set (at most 24 h). Tokens are reused until an hour before it.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>The whole request, connect included; past it the push service counts as unreachable.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Pads every payload to this many bytes (0: no padding), so the push service cannot tell pushes apart by size.
    /// At most <see cref="WebPushEncryption.MaxPlaintextLength"/>.
    /// </summary>
    public int PadPayloadsTo { get; init; }

    /// <summary>
    /// Tests only: connect to loopback and private addresses. Otherwise a subscription endpoint that resolves to one is
    /// refused, so endpoints (chosen by clients) cannot reach the operator's own network.
    /// </summary>
    public bool AllowPrivateEndpoints { get; init; }

    /// <summary>Tests only: accept http:// endpoints. Real push services are all https.</summary>
    public bool AllowHttp { get; init; }

    /// <summary>
    /// Tests only: a PEM CA certificate that alone is trusted for push services' certificates (the host name is still
    /// checked). Unset: the system's trust store.
    /// </summary>
    public string? RootCertificatePem { get; init; }

    /// <summary>What is wrong with the settings (empty when they can be used), each naming its key under <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> Validate(string prefix)
    {
        var problems = new List<string>();
        if (!(Subject.StartsWith("mailto:", StringComparison.Ordinal) && Subject.Length > "mailto:".Length)
            && !(Uri.TryCreate(Subject, UriKind.Absolute, out var contact) && contact.Scheme == Uri.UriSchemeHttps))
        {
            problems.Add($"{prefix}:Subject must be a mailto: or https: contact (mailto:ops@example.com).");
        }

        if (TokenLifetime <= TimeSpan.Zero || TokenLifetime > MaxTokenLifetime)
        {
            problems.Add($"{prefix}:TokenLifetime must be positive and at most 24 hours.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{prefix}:RequestTimeout must be positive.");
        }

        if (PadPayloadsTo < 0 || PadPayloadsTo > WebPushEncryption.MaxPlaintextLength)
        {
            problems.Add($"{prefix}:PadPayloadsTo must be between 0 and {WebPushEncryption.MaxPlaintextLength}.");
        }

        if (RootCertificatePem is { } pem && !pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            problems.Add($"{prefix}:RootCertificatePem must be a PEM certificate.");
        }

        return problems;
    }
}
