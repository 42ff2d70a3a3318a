using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Roost.Core.Errors;
using Roost.Core.Media;
using Roost.Server.Auth;
using Roost.Server.Http;
using Roost.Server.Media;

namespace Roost.Server.Endpoints;

/// <summary>
/// tus 1.0 resumable uploads at <c>/v1/media/uploads</c> (core, creation, creation-with-upload, creation-defer-length,
/// termination, expiration, checksum): docs/protocol.md "Media".
/// </summary>
internal static class TusEndpoints
{
    private const string TusResumable = "Tus-Resumable";

    public static void MapTusEndpoints(this RouteGroupBuilder v1)
    {
        // OPTIONS is discovery (and a browser's preflight): no session needed.
        v1.MapMethods("/media/uploads", ["OPTIONS"], Options).ExcludeFromDescription();
        v1.MapMethods("/media/uploads/{id}", ["OPTIONS"], Options).ExcludeFromDescription();

        var uploads = v1.MapGroup("/media/uploads").RequireAuthorization();
        uploads.MapPost("", CreateAsync).WithName("CreateUpload")
            .WithSummary("tus creation (with Upload-Length or Upload-Defer-Length: 1, and Upload-Metadata filename/filetype); the body may carry the first bytes.");
        uploads.MapMethods("/{id}", ["HEAD"], HeadAsync).WithName("UploadOffset").WithSummary("tus: the upload's offset.");
        uploads.MapMethods("/{id}", ["PATCH"], PatchAsync).WithName("UploadChunk").WithSummary("tus: bytes at Upload-Offset.");
        uploads.MapDelete("/{id}", DeleteAsync).WithName("TerminateUpload").WithSummary("tus termination.");
        // X-HTTP-Method-Override, for clients that cannot send PATCH or DELETE.
        uploads.MapPost("/{id}", OverrideAsync).ExcludeFromDescription();
    }

    private static IResult Options(HttpContext context, MediaUploads uploads)
    {
        var headers = context.Response.Headers;
        headers["Tus-Version"] = TusProtocol.Version;
        headers["Tus-Extension"] = TusProtocol.Extensions;
        headers["Tus-Max-Size"] = uploads.Limits.MaxUploadBytes.ToString(CultureInfo.InvariantCulture);
        headers["Tus-Checksum-Algorithm"] = TusProtocol.ChecksumAlgorithms;
        return Results.NoContent();
    }

    private static async Task<IResult> CreateAsync(HttpContext context, MediaUploads uploads, Core.Storage.IRoostStore store, TimeProvider time)
    {
        if (VersionProblem(context) is { } wrongVersion)
        {
            return wrongVersion;
        }

        var request = context.Request.Headers;
        long? length = null;
        if (request.TryGetValue("Upload-Length", out var lengthHeader))
        {
            if (!TusHeaders.TryParseLength(lengthHeader, out var parsed))
            {
                return Fail(context, new RoostError(ErrorKind.Validation, ErrorCodes.MalformedRequest, "Upload-Length is a number of bytes."));
            }

            length = parsed;
        }
        else if (request["Upload-Defer-Length"] != "1")
        {
            return Fail(context, new RoostError(ErrorKind.Validation, ErrorCodes.MalformedRequest, "Send Upload-Length, or Upload-Defer-Length: 1."));
        }

        if (length == 0)
        {
            return Fail(context, new RoostError(ErrorKind.UnsupportedMediaType, MediaErrorCodes.TypeNotAllowed, "An empty file is not media."));
        }

        if (!TryReadChecksum(context.Request, out var checksum))
        {
            return Fail(context, ChecksumUnsupported());
        }

        if (!TusMetadata.TryParse(request["Upload-Metadata"], out var metadata, out var metadataError))
        {
            return Fail(context, new RoostError(ErrorKind.Validation, ErrorCodes.MalformedRequest, $"Upload-Metadata: {metadataError}"));
        }

        var name = MediaFileNames.Sanitize(metadata.GetValueOrDefault("filename") ?? metadata.GetValueOrDefault("name"));
        var declared = metadata.GetValueOrDefault("filetype") ?? metadata.GetValueOrDefault("type");
        var now = time.GetUtcNow();
        var id = MediaIds.New();
        var created = await store.Media.CreateUploadAsync(
            new NewUpload(id, context.Caller().AccountId, length, request["Upload-Metadata"].ToString() is { Length: > 0 } raw ? raw : null, name, declared, now, now + uploads.Limits.UploadLifetime),
            uploads.Limits,
            CancellationToken.None);
        if (!created.IsSuccess)
        {
            return Fail(context, created.Error!);
        }

        var upload = created.Value;
        context.Response.Headers.Location = $"/v1/media/uploads/{id}";
        if (IsOffsetStream(context.Request))
        {
            // creation-with-upload: the body is the first chunk.
            AllowLargeBody(context, uploads.Limits.MaxUploadBytes);
            var outcome = await uploads.WriteChunkAsync(id, upload.AccountId, 0, context.Request.Body, checksum, null, context.RequestAborted);
            if (outcome.Error is { } refused)
            {
                // The answer carries no Location, so nothing could resume this upload: it goes now, not after a day
                // of counting against the uploads in progress.
                context.Response.Headers.Remove("Location");
                await uploads.TerminateAsync(id, upload.AccountId);
                return Fail(context, refused, outcome.Status);
            }

            upload = outcome.Upload!;
        }

        Describe(context, upload, offsetOnly: true);
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> HeadAsync(string id, HttpContext context, Core.Storage.IRoostStore store, TimeProvider time)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (VersionProblem(context) is { } wrongVersion)
        {
            return wrongVersion;
        }

        var upload = MediaIds.IsValid(id) ? await store.Media.GetUploadAsync(id, context.Caller().AccountId, CancellationToken.None) : null;
        if (upload is null)
        {
            context.Response.Headers[TusResumable] = TusProtocol.Version;
            return Results.NotFound();
        }

        if (upload.State == MediaState.Uploading && upload.ExpiresAt <= time.GetUtcNow())
        {
            context.Response.Headers[TusResumable] = TusProtocol.Version;
            return Results.StatusCode(StatusCodes.Status410Gone);
        }

        Describe(context, upload, offsetOnly: false);
        return Results.Ok();
    }

    private static async Task<IResult> PatchAsync(string id, HttpContext context, MediaUploads uploads)
    {
        if (VersionProblem(context) is { } wrongVersion)
        {
            return wrongVersion;
        }

        var request = context.Request;
        if (!IsOffsetStream(request))
        {
            return Fail(context, new RoostError(ErrorKind.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, $"A PATCH carries Content-Type: {TusProtocol.OffsetContentType}."));
        }

        if (!TusHeaders.TryParseLength(request.Headers["Upload-Offset"], out var offset))
        {
            return Fail(context, new RoostError(ErrorKind.Validation, ErrorCodes.MalformedRequest, "Upload-Offset is a number of bytes."));
        }

        long? declareLength = null;
        if (request.Headers.TryGetValue("Upload-Length", out var lengthHeader))
        {
            if (!TusHeaders.TryParseLength(lengthHeader, out var parsed))
            {
                return Fail(context, new RoostError(ErrorKind.Validation, ErrorCodes.MalformedRequest, "Upload-Length is a number of bytes."));
            }

            declareLength = parsed;
        }

        if (!TryReadChecksum(request, out var checksum))
        {
            return Fail(context, ChecksumUnsupported());
        }

        if (!MediaIds.IsValid(id))
        {
            return Fail(context, MediaUploadRules.NotFound());
        }

        AllowLargeBody(context, uploads.Limits.MaxUploadBytes);
        var outcome = await uploads.WriteChunkAsync(id, context.Caller().AccountId, offset, request.Body, checksum, declareLength, context.RequestAborted);
        if (outcome.Error is { } refused)
        {
            return Fail(context, refused, outcome.Status);
        }

        Describe(context, outcome.Upload!, offsetOnly: true);
        return Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, MediaUploads uploads)
    {
        if (VersionProblem(context) is { } wrongVersion)
        {
            return wrongVersion;
        }

        context.Response.Headers[TusResumable] = TusProtocol.Version;
        return MediaIds.IsValid(id) && await uploads.TerminateAsync(id, context.Caller().AccountId)
            ? Results.NoContent()
            : Fail(context, MediaUploadRules.NotFound());
    }

    private static Task<IResult> OverrideAsync(string id, HttpContext context, MediaUploads uploads) =>
        context.Request.Headers["X-HTTP-Method-Override"].ToString().ToUpperInvariant() switch
        {
            "PATCH" => PatchAsync(id, context, uploads),
            "DELETE" => DeleteAsync(id, context, uploads),
            _ => Task.FromResult<IResult>(Fail(context, new RoostError(ErrorKind.Validation, ErrorCodes.MethodNotAllowed, "POST to an upload needs X-HTTP-Method-Override: PATCH or DELETE."))),
        };

    /// <summary>The tus headers of an upload's state (a HEAD says everything; a PATCH or POST the offset and expiry).</summary>
    private static void Describe(HttpContext context, MediaUpload upload, bool offsetOnly)
    {
        var headers = context.Response.Headers;
        headers[TusResumable] = TusProtocol.Version;
        headers["Upload-Offset"] = upload.Received.ToString(CultureInfo.InvariantCulture);
        if (upload.State == MediaState.Uploading && upload.ExpiresAt is { } expires)
        {
            headers["Upload-Expires"] = expires.ToString("R", CultureInfo.InvariantCulture);
        }

        if (offsetOnly)
        {
            return;
        }

        if (upload.Length is { } length)
        {
            headers["Upload-Length"] = length.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            headers["Upload-Defer-Length"] = "1";
        }

        if (upload.Metadata is { } metadata)
        {
            headers["Upload-Metadata"] = metadata;
        }
    }

    /// <summary>The optional Upload-Checksum header; false when it is present but not one this server can check.</summary>
    private static bool TryReadChecksum(HttpRequest request, out (string Algorithm, byte[] Digest)? checksum)
    {
        checksum = null;
        if (!request.Headers.TryGetValue("Upload-Checksum", out var header))
        {
            return true;
        }

        if (!TusChecksum.TryParse(header, out var algorithm, out var digest, out _))
        {
            return false;
        }

        checksum = (algorithm, digest);
        return true;
    }

    private static RoostError ChecksumUnsupported() =>
        new(ErrorKind.Validation, MediaErrorCodes.ChecksumUnsupported, $"Upload-Checksum is '<algorithm> <base64 digest>' with one of: {TusProtocol.ChecksumAlgorithms}.");

    private static ProblemHttpResult? VersionProblem(HttpContext context)
    {
        if (context.Request.Headers[TusResumable] == TusProtocol.Version)
        {
            return null;
        }

        context.Response.Headers["Tus-Version"] = TusProtocol.Version;
        context.Response.Headers[TusResumable] = TusProtocol.Version;
        return TypedResults.Problem(Problems.Create(StatusCodes.Status412PreconditionFailed, MediaErrorCodes.TusVersionUnsupported, $"This server speaks tus {TusProtocol.Version}: send Tus-Resumable: {TusProtocol.Version}."));
    }

    private static ProblemHttpResult Fail(HttpContext context, RoostError error, int? status = null)
    {
        context.Response.Headers[TusResumable] = TusProtocol.Version;
        return status is { } custom ? TypedResults.Problem(Problems.Create(custom, error.Code, error.Message)) : Problems.From(error);
    }

    private static bool IsOffsetStream(HttpRequest request) =>
        string.Equals(request.ContentType, TusProtocol.OffsetContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Upload bodies may be as large as an upload; JSON bodies keep the server-wide limit.</summary>
    private static void AllowLargeBody(HttpContext context, long max)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }
    }
}
