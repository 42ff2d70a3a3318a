namespace Roost.Push.Fcm;

/// <summary>One Firebase project and the service account that sends for it.</summary>
public sealed class FcmOptions
{
    /// <summary>The service account's key file as JSON text (<c>type</c>, <c>project_id</c>, <c>private_key_id</c>, <c>private_key</c>, <c>client_email</c>, <c>token_uri</c>). A secret: never printed.</summary>
    public string ServiceAccountJson { get; init; } = "";

    /// <summary>The Firebase project to send for; the service account's <c>project_id</c> when not set.</summary>
    public string? ProjectId { get; init; }

    public string SendUrl { get; init; } = "https://fcm.googleapis.com";

    /// <summary>When set, the servers' certificates (FCM and the token endpoint) must chain to this root alone.</summary>
    public string? RootCertificatePem { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>What is wrong with these settings (empty when they can be used), each naming its key under <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> Validate(string prefix)
    {
        var problems = new List<string>();
        if (!FcmServiceAccount.TryParse(ServiceAccountJson, out _, out var problem))
        {
            problems.Add($"{prefix}:ServiceAccountJson: {problem}");
        }

        if (ProjectId is not null && ProjectId.Trim().Length == 0)
        {
            problems.Add($"{prefix}:ProjectId must not be empty when set.");
        }

        if (!Uri.TryCreate(SendUrl, UriKind.Absolute, out var send) || send.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"{prefix}:SendUrl must be an absolute https:// URL.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{prefix}:RequestTimeout must be positive.");
        }

        return problems;
    }
}
