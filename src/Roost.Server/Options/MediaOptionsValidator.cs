using Roost.Core.Media;

namespace Roost.Server.Options;

/// <summary>The checks of <c>Roost:Media</c>, each naming the setting it is about.</summary>
internal static class MediaOptionsValidator
{
    public static IEnumerable<string> Validate(MediaOptions media)
    {
        if (media.Store == MediaStoreKind.S3)
        {
            var s3 = media.S3;
            if (!Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                yield return "Roost:Media:S3:ServiceUrl must be the store's http(s) URL (for AWS: https://s3.<region>.amazonaws.com).";
            }

            if (string.IsNullOrWhiteSpace(s3.Bucket))
            {
                yield return "Roost:Media:S3:Bucket must name a bucket.";
            }

            if (string.IsNullOrWhiteSpace(s3.AccessKey) || string.IsNullOrWhiteSpace(s3.SecretKey))
            {
                yield return "Roost:Media:S3:AccessKey and SecretKey must be set.";
            }

            if (s3.PublicBaseUrl.Length > 0 && !Uri.TryCreate(s3.PublicBaseUrl, UriKind.Absolute, out _))
            {
                yield return "Roost:Media:S3:PublicBaseUrl must be an absolute URL (or empty).";
            }
        }

        if (media.AccelRedirectPrefix.Length > 0
            && (media.Store != MediaStoreKind.Local || media.AccelRedirectPrefix[0] != '/' || media.AccelRedirectPrefix[^1] != '/'
                || media.AccelRedirectPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#')))
        {
            yield return "Roost:Media:AccelRedirectPrefix is for the local store behind nginx: an internal location path that starts and ends with '/', e.g. /_roost_media/.";
        }

        if (media.RedirectToStore && media.Store != MediaStoreKind.S3)
        {
            yield return "Roost:Media:RedirectToStore needs Roost:Media:Store=S3 (a local folder has no URL of its own; see AccelRedirectPrefix).";
        }

        if (media.LinkLifetime < TimeSpan.FromMinutes(1) || media.LinkLifetime > TimeSpan.FromDays(7)
            || media.DirectUrlLifetime < TimeSpan.FromSeconds(10) || media.DirectUrlLifetime > TimeSpan.FromDays(7))
        {
            yield return "Roost:Media:LinkLifetime must be between a minute and 7 days, and DirectUrlLifetime between 10 seconds and 7 days (S3's limit).";
        }

        if (media.MaxUploadBytes < 1 || media.MaxSimpleUploadBytes < 1 || media.MaxImageBytes < 1 || media.MaxVideoBytes < 1
            || media.MaxAudioBytes < 1 || media.MaxDocumentBytes < 1 || media.DailyBytes < 1)
        {
            yield return "Roost:Media size limits (MaxUploadBytes, MaxSimpleUploadBytes, MaxImageBytes, MaxVideoBytes, MaxAudioBytes, MaxDocumentBytes, DailyBytes) must be positive.";
        }

        if (media.MaxUploadsInProgress < 1 || media.ProcessingConcurrency is < 1 or > 64)
        {
            yield return "Roost:Media:MaxUploadsInProgress must be at least 1 and ProcessingConcurrency between 1 and 64.";
        }

        if (media.MaxConcurrentChunkWrites is < 1 or > 10_000 || media.MinFreeDiskBytes < 0)
        {
            yield return "Roost:Media:MaxConcurrentChunkWrites must be between 1 and 10000, and MinFreeDiskBytes not negative.";
        }

        if (media.UploadLifetime < TimeSpan.FromMinutes(1) || media.UnattachedLifetime < TimeSpan.FromMinutes(1))
        {
            yield return "Roost:Media:UploadLifetime and UnattachedLifetime must be at least a minute.";
        }

        if (media.MaxImagePixels < 1 || media.ThumbnailSizes.Count is 0 or > 8 || media.ThumbnailSizes.Any(size => size is < 16 or > 4096))
        {
            yield return "Roost:Media:MaxImagePixels must be positive, and ThumbnailSizes one to eight sizes between 16 and 4096.";
        }

        foreach (var type in media.AllowedTypes)
        {
            if (MediaTypes.FromContentType(type) is null)
            {
                yield return $"Roost:Media:AllowedTypes has '{type}', which Roost cannot recognise; known types: {string.Join(", ", MediaTypes.All.Select(t => t.ContentType))}.";
            }
        }
    }
}
