using System.Globalization;
using Roost.Core.Media;
using Roost.Protocol.Rest;
using Roost.Server.Options;

namespace Roost.Server.Media;

/// <summary>
/// How authorized media bytes leave this server: signed links for clients without a token header, and, behind a proxy,
/// an nginx <c>X-Accel-Redirect</c> (local store) or a redirect to a presigned S3 / CDN URL instead of streaming.
/// </summary>
internal sealed class MediaDelivery(MediaOptions options, byte[] linkKey, IBlobStore blobs, TimeProvider time)
{
    /// <summary>The internal nginx location for a local blob, or null when the server sends the bytes itself.</summary>
    public string? AccelRedirectFor(string key) =>
        options.AccelRedirectPrefix.Length > 0 && blobs.GetLocalPath(key) is not null ? options.AccelRedirectPrefix + key : null;

    /// <summary>A short-lived store URL to redirect to, or null when redirects are off or the store has no URLs.</summary>
    public Uri? DirectUrlFor(MediaFile file, string contentDisposition) =>
        options.RedirectToStore ? blobs.GetDirectUrl(file.Key, options.DirectUrlLifetime, file.ContentType, contentDisposition) : null;

    /// <summary>Seconds a browser may keep the redirect itself (the presigned URL it points to expires).</summary>
    public int RedirectMaxAgeSeconds => (int)Math.Clamp(options.DirectUrlLifetime.TotalSeconds / 2, 1, 60);

    /// <summary>Signed links to every file of a ready media item, for <paramref name="accountId"/>.</summary>
    public MediaLinkResponse LinksFor(StoredMedia media, long accountId)
    {
        var expiresAt = MediaLinks.ExpiresAt(time.GetUtcNow(), options.LinkLifetime);
        var thumbnails = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in media.Files)
        {
            if (MediaFile.ThumbnailSize(file.Role) is { } size)
            {
                var key = size.ToString(CultureInfo.InvariantCulture);
                thumbnails[key] = Link($"/v1/media/{media.Id}/thumbnails/{key}", media.Id, file.Role, accountId, expiresAt);
            }
        }

        return new MediaLinkResponse(
            media.Id,
            Link($"/v1/media/{media.Id}", media.Id, MediaFile.Full, accountId, expiresAt),
            thumbnails,
            DateTimeOffset.FromUnixTimeSeconds(expiresAt));
    }

    /// <summary>The account a signed link in the query was made for, if it is one of ours and still valid.</summary>
    public MediaLinkCheck Verify(string mediaId, string role, IQueryCollection query) =>
        MediaLinks.Verify(
            linkKey,
            mediaId,
            role,
            query[MediaLinks.ExpiresParameter].ToString(),
            query[MediaLinks.AccountParameter].ToString(),
            query[MediaLinks.SignatureParameter].ToString(),
            time.GetUtcNow());

    public static bool HasLink(IQueryCollection query) => query.ContainsKey(MediaLinks.SignatureParameter);

    private string Link(string path, string mediaId, string role, long accountId, long expiresAt) =>
        $"{path}?{MediaLinks.Query(linkKey, mediaId, role, accountId, expiresAt)}";
}
