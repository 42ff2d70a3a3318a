using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Roost.Core.Errors;
using Roost.Core.Media;
using Roost.Core.Storage;
using Roost.Protocol.Rest;
using Roost.Server.Auth;
using Roost.Server.Http;
using Roost.Server.Media;

namespace Roost.Server.Endpoints;

/// <summary>Media files and thumbnails, authorized on every request; a one-request upload for small files.</summary>
internal static class MediaEndpoints
{
    public static void MapMediaEndpoints(this RouteGroupBuilder v1)
    {
        var media = v1.MapGroup("/media").RequireAuthorization();
        media.MapPost("", UploadAsync).WithName("UploadMedia")
            .WithSummary("A small file in one request: the raw bytes as the body (Content-Type as declared, ?name= the file name). 202: processing.")
            .Produces<MediaResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        media.MapGet("/{id}", GetFileAsync).WithName("GetMedia")
            .WithSummary("The media's file (Range requests supported). Only its uploader and members of conversations where it was shared.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        media.MapGet("/{id}/thumbnails/{size:int}", GetThumbnailAsync).WithName("GetMediaThumbnail").ProducesProblem(StatusCodes.Status403Forbidden);
        media.MapGet("/{id}/info", GetInfoAsync).WithName("GetMediaInfo").WithSummary("State and metadata (poll after an upload until ready).");
        media.MapDelete("/{id}", DeleteAsync).WithName("DeleteMedia").WithSummary("Delete your own media that no message carries.");
    }

    private static async Task<IResult> UploadAsync(HttpContext context, MediaUploads uploads, IRoostStore store, TimeProvider time, string? name)
    {
        var limits = uploads.Limits;
        if (context.Request.ContentLength is not { } length || length <= 0)
        {
            return Problems.From(new RoostError(ErrorKind.Validation, ErrorCodes.MalformedRequest, "Send the file as the body, with Content-Length (for larger files or resuming, use tus at /v1/media/uploads)."));
        }

        if (length > limits.MaxSimpleUploadBytes)
        {
            return Problems.From(new RoostError(ErrorKind.PayloadTooLarge, MediaErrorCodes.TooLarge, $"One-request uploads carry at most {limits.MaxSimpleUploadBytes} bytes; use tus at /v1/media/uploads."));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limits.MaxSimpleUploadBytes;
        }

        var now = time.GetUtcNow();
        var id = MediaIds.New();
        var accountId = context.Caller().AccountId;
        var created = await store.Media.CreateUploadAsync(
            new NewUpload(id, accountId, length, null, MediaFileNames.Sanitize(name), context.Request.ContentType, now, now + limits.UploadLifetime), limits, CancellationToken.None);
        if (!created.IsSuccess)
        {
            return Problems.From(created.Error!);
        }

        var outcome = await uploads.WriteChunkAsync(id, accountId, 0, context.Request.Body, null, null, context.RequestAborted);
        if (outcome.Error is { } refused)
        {
            await uploads.TerminateAsync(id, accountId);
            return outcome.Status is { } status ? TypedResults.Problem(Problems.Create(status, refused.Code, refused.Message)) : Problems.From(refused);
        }

        if (outcome.Upload!.State == MediaState.Uploading)
        {
            // The body ended early: nothing half-done stays behind a one-request upload.
            await uploads.TerminateAsync(id, accountId);
            return Problems.From(new RoostError(ErrorKind.Validation, ErrorCodes.MalformedRequest, "The body was shorter than its Content-Length."));
        }

        var media = await store.Media.GetForViewerAsync(id, accountId, CancellationToken.None);
        return TypedResults.Json(ToResponse(media!, outcome.Upload), Protocol.RoostJsonContext.Default.MediaResponse, statusCode: StatusCodes.Status202Accepted);
    }

    private static Task<IResult> GetFileAsync(string id, HttpContext context, IRoostStore store, IBlobStore blobs) =>
        ServeAsync(id, MediaFile.Full, context, store, blobs);

    private static Task<IResult> GetThumbnailAsync(string id, int size, HttpContext context, IRoostStore store, IBlobStore blobs) =>
        ServeAsync(id, MediaFile.ThumbnailRole(size), context, store, blobs);

    private static async Task<IResult> GetInfoAsync(string id, HttpContext context, IRoostStore store)
    {
        var (media, problem) = await AuthorizeAsync(id, context, store);
        if (problem is not null)
        {
            return problem;
        }

        var upload = media!.AccountId == context.Caller().AccountId ? await store.Media.GetUploadAsync(id, media.AccountId, CancellationToken.None) : null;
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(ToResponse(media, upload), Protocol.RoostJsonContext.Default.MediaResponse);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, MediaUploads uploads) =>
        MediaIds.IsValid(id) && await uploads.TerminateAsync(id, context.Caller().AccountId)
            ? Results.NoContent()
            : Problems.From(new RoostError(ErrorKind.NotFound, MediaErrorCodes.NotFound, "No such media of yours that no message carries."));

    /// <summary>
    /// The file behind a role, if the caller may see it: 404 when there is no such media, 403 when it exists but
    /// was not shared with the caller. Ranges, ETag and conditional requests are answered here or by the file result.
    /// </summary>
    private static async Task<IResult> ServeAsync(string id, string role, HttpContext context, IRoostStore store, IBlobStore blobs)
    {
        var (media, problem) = await AuthorizeAsync(id, context, store);
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

        var headers = context.Response.Headers;
        headers.CacheControl = "private, max-age=31536000, immutable";
        headers.XContentTypeOptions = "nosniff";
        // A document opened in the browser runs nothing and reaches nothing of this origin.
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        var kind = MediaTypes.FromContentType(file.ContentType)?.Kind ?? MediaKind.Document;
        headers.ContentDisposition = MediaFileNames.ContentDisposition(role == MediaFile.Full ? media.FileName : null, inline: kind != MediaKind.Document);
        var etag = new EntityTagHeaderValue($"\"{file.Key[(file.Key.LastIndexOf('/') + 1)..][..32]}\"");
        if (blobs.GetLocalPath(file.Key) is { } path)
        {
            return Results.File(path, file.ContentType, enableRangeProcessing: true, entityTag: etag, lastModified: media.CreatedAt);
        }

        return await RangeOverBlobAsync(context, blobs, file, etag);
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

    private static async Task<(StoredMedia? Media, IResult? Problem)> AuthorizeAsync(string id, HttpContext context, IRoostStore store)
    {
        if (!MediaIds.IsValid(id))
        {
            return (null, Problems.From(MediaUploadRules.NotFound()));
        }

        var media = await store.Media.GetForViewerAsync(id, context.Caller().AccountId, CancellationToken.None);
        if (media is not null)
        {
            return (media, null);
        }

        return await store.Media.ExistsAsync(id, CancellationToken.None)
            ? (null, Problems.From(new RoostError(ErrorKind.Forbidden, ErrorCodes.Forbidden, "This media was not shared with you.")))
            : (null, Problems.From(MediaUploadRules.NotFound()));
    }

    private static MediaResponse ToResponse(StoredMedia media, MediaUpload? upload)
    {
        var attachment = AttachmentRules.ToAttachment(media);
        return new MediaResponse(
            media.Id,
            media.State.ToString().ToLowerInvariant(),
            MediaTypes.FromContentType(media.ContentType)?.KindName,
            media.ContentType,
            media.Size,
            media.FileName,
            media.Width,
            media.Height,
            media.DurationMs,
            media.Placeholder,
            media.Error,
            upload?.Received ?? media.Size ?? 0,
            upload?.Length ?? media.Size,
            [.. attachment.Thumbnails.Select(t => new ThumbnailResponse(t.Size, t.Width, t.Height, t.ContentType))],
            media.CreatedAt);
    }
}
