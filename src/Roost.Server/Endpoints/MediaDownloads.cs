using System.Globalization;
using Microsoft.Net.Http.Headers;
using Roost.Core.Errors;
using Roost.Core.Media;
using Roost.Core.Sessions;
using Roost.Core.Storage;
using Roost.Server.Http;
using Roost.Server.Media;

namespace Roost.Server.Endpoints;

/// <summary>
/// GET of a media file or thumbnail: the viewer is the token's account or a signed link's, and is authorized on every
/// request. The bytes come from this server (ranges, ETag), from nginx (X-Accel-Redirect) or from the store (redirect).
/// </summary>
internal static class MediaDownloads
{
    public static Task<IResult> GetFileAsync(string id, HttpContext context, IRoostStore store, IBlobStore blobs, MediaDelivery delivery) =>
        ServeAsync(id, MediaFile.Full, context, store, blobs, delivery);

    public static Task<IResult> GetThumbnailAsync(string id, int size, HttpContext context, IRoostStore store, IBlobStore blobs, MediaDelivery delivery) =>
        ServeAsync(id, MediaFile.ThumbnailRole(size), context, store, blobs, delivery);

    private static async Task<IResult> ServeAsync(string id, string role, HttpContext context, IRoostStore store, IBlobStore blobs, MediaDelivery delivery)
    {
        var (viewer, refused) = Viewer(id, role, context, delivery);
        if (refused is not null)
        {
            return refused;
        }

        var (media, problem) = await MediaEndpoints.AuthorizeAsync(id, viewer, store);
        if (problem is not null)
        {
            return problem;
        }

        if (media!.State != MediaState.Ready)
        {
            return Problems.From(new RoostError(ErrorKind.Conflict, MediaErrorCodes.NotReady, "This media is not ready yet; see /info for its state."));
        }

        if (media.File(role) is not { } file)
        {
            return Problems.From(new RoostError(ErrorKind.NotFound, MediaErrorCodes.NotFound, "This media has no such thumbnail."));
        }

        var kind = MediaTypes.FromContentType(file.ContentType)?.Kind ?? MediaKind.Document;
        var disposition = MediaFileNames.ContentDisposition(role == MediaFile.Full ? media.FileName : null, inline: kind != MediaKind.Document);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (delivery.DirectUrlFor(file, disposition) is { } direct)
        {
            // The presigned URL answers with this type and disposition; the redirect itself is kept only briefly.
            headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"private, max-age={delivery.RedirectMaxAgeSeconds}");
            return Results.Redirect(direct.AbsoluteUri);
        }

        headers.CacheControl = "private, max-age=31536000, immutable";
        // A document opened in the browser runs nothing and reaches nothing of this origin.
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers.ContentDisposition = disposition;
        if (delivery.AccelRedirectFor(file.Key) is { } internalPath)
        {
            // nginx keeps Content-Type, Content-Disposition and Cache-Control, answers ranges and conditional requests
            // itself, and needs add_header for nosniff and the CSP (docs/operations.md has the location block).
            headers["X-Accel-Redirect"] = internalPath;
            context.Response.ContentType = file.ContentType;
            return Results.Empty;
        }

        var etag = new EntityTagHeaderValue($"\"{file.Key[(file.Key.LastIndexOf('/') + 1)..][..32]}\"");
        if (blobs.GetLocalPath(file.Key) is { } path)
        {
            return Results.File(path, file.ContentType, enableRangeProcessing: true, entityTag: etag, lastModified: media.CreatedAt);
        }

        return await RangeOverBlobAsync(context, blobs, file, etag);
    }

    /// <summary>The account asking: the token's, else a valid signed link's; a request with neither is challenged.</summary>
    private static (long Viewer, IResult? Refused) Viewer(string id, string role, HttpContext context, MediaDelivery delivery)
    {
        if (context.Features.Get<AuthenticatedDevice>() is { } device)
        {
            return (device.AccountId, null);
        }

        if (!MediaDelivery.HasLink(context.Request.Query))
        {
            return (0, Results.Challenge());
        }

        var check = delivery.Verify(id, role, context.Request.Query);
        return check.Status switch
        {
            MediaLinkStatus.Valid => (check.AccountId, null),
            MediaLinkStatus.Expired => (0, Problems.From(new RoostError(ErrorKind.Forbidden, MediaErrorCodes.LinkExpired, "This media link has expired; ask POST /v1/media/links for a new one."))),
            _ => (0, Problems.From(new RoostError(ErrorKind.Forbidden, MediaErrorCodes.LinkInvalid, "This media link is not valid for this file."))),
        };
    }

    /// <summary>A single byte range (or the whole file) streamed from a blob store without a local file.</summary>
    private static async Task<IResult> RangeOverBlobAsync(HttpContext context, IBlobStore blobs, MediaFile file, EntityTagHeaderValue etag)
    {
        var headers = context.Response.Headers;
        headers.ETag = etag.ToString();
        headers.AcceptRanges = "bytes";
        if (context.Request.Headers.IfNoneMatch == etag.ToString())
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        long offset = 0;
        var length = file.Size;
        var partial = false;
        if (RangeHeaderValue.TryParse(context.Request.Headers.Range.ToString(), out var range) && range.Unit == "bytes" && range.Ranges.Count == 1)
        {
            var only = range.Ranges.First();
            long from;
            long to;
            if (only.From is null)
            {
                from = Math.Max(0, file.Size - (only.To ?? 0));
                to = file.Size - 1;
            }
            else
            {
                from = only.From.Value;
                to = Math.Min(only.To ?? file.Size - 1, file.Size - 1);
            }

            if (from >= file.Size || from > to)
            {
                headers.ContentRange = $"bytes */{file.Size}";
                return Results.StatusCode(StatusCodes.Status416RangeNotSatisfiable);
            }

            (offset, length, partial) = (from, to - from + 1, true);
            headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {from}-{to}/{file.Size}");
        }

        var stream = await blobs.OpenReadAsync(file.Key, offset, length, context.RequestAborted);
        context.Response.StatusCode = partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        context.Response.ContentLength = length;
        return Results.Stream(stream, file.ContentType);
    }
}
