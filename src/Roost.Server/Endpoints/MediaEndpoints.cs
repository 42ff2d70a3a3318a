using Microsoft.AspNetCore.Http.Features;
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
    private const int MaxLinksPerRequest = 100;

    public static void MapMediaEndpoints(this RouteGroupBuilder v1)
    {
        var media = v1.MapGroup("/media").RequireAuthorization();
        media.MapPost("", UploadAsync).WithName("UploadMedia")
            .WithSummary("A small file in one request: the raw bytes as the body (Content-Type as declared, ?name= the file name). 202: processing.")
            .Produces<MediaResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        media.MapGet("/{id}", MediaDownloads.GetFileAsync).WithName("GetMedia").AllowAnonymous()
            .WithSummary("The media's file (Range requests supported), with a token or a signed link. Only its uploader and members of conversations where it was shared.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        media.MapGet("/{id}/thumbnails/{size:int}", MediaDownloads.GetThumbnailAsync).WithName("GetMediaThumbnail").AllowAnonymous()
            .WithSummary("A thumbnail (JPEG or PNG), with a token or a signed link.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        media.MapPost("/links", LinksAsync).WithName("GetMediaLinks")
            .WithSummary("Short-lived signed URLs of media the caller may see, for <img>/<video> tags that cannot send a token.")
            .Produces<MediaLinksResponse>();
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

    private static async Task<IResult> GetInfoAsync(string id, HttpContext context, IRoostStore store)
    {
        var (media, problem) = await AuthorizeAsync(id, context.Caller().AccountId, store);
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

    private static async Task<IResult> LinksAsync(MediaLinksRequest? request, HttpContext context, IRoostStore store, MediaDelivery delivery)
    {
        if (request?.Ids is not { Count: > 0 and <= MaxLinksPerRequest } ids)
        {
            return Problems.From(RoostError.Validation("ids", $"Send 1 to {MaxLinksPerRequest} media ids."));
        }

        var accountId = context.Caller().AccountId;
        var links = new List<MediaLinkResponse>();
        foreach (var id in ids.Where(MediaIds.IsValid).Distinct(StringComparer.Ordinal))
        {
            if (await store.Media.GetForViewerAsync(id, accountId, CancellationToken.None) is { State: MediaState.Ready } media)
            {
                links.Add(delivery.LinksFor(media, accountId));
            }
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(new MediaLinksResponse(links), Protocol.RoostJsonContext.Default.MediaLinksResponse);
    }

    /// <summary>The media if <paramref name="accountId"/> may see it: else 404 when there is no such media, 403 when it exists but was not shared.</summary>
    internal static async Task<(StoredMedia? Media, IResult? Problem)> AuthorizeAsync(string id, long accountId, IRoostStore store)
    {
        if (!MediaIds.IsValid(id))
        {
            return (null, Problems.From(MediaUploadRules.NotFound()));
        }

        var media = await store.Media.GetForViewerAsync(id, accountId, CancellationToken.None);
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
