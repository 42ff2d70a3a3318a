using System.Globalization;
using System.Net.Http.Headers;
using Roost.Protocol;
using Roost.Protocol.Rest;

namespace Roost.Client;

public sealed partial class RoostClient
{
    private const string TusVersion = "1.0.0";

    /// <summary>
    /// Uploads with tus 1.0: creates the upload (sending the first chunk with the creation) and PATCHes the rest in
    /// chunks of <paramref name="chunkSize"/> bytes. Returns the media id; the media is ready once processed (see
    /// <see cref="GetMediaInfoAsync"/>).
    /// </summary>
    public async Task<string> UploadMediaAsync(Stream content, long length, string? fileName, string? contentType, int chunkSize = 8 * 1024 * 1024, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var location = await CreateUploadAsync(length, fileName, contentType, cancellationToken);
        await ResumeUploadAsync(location, content, chunkSize, cancellationToken);
        return location[(location.LastIndexOf('/') + 1)..];
    }

    /// <summary>tus creation without bytes; returns the upload's URL path.</summary>
    public async Task<string> CreateUploadAsync(long length, string? fileName, string? contentType, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Post, "v1/media/uploads");
        request.Headers.Add("Tus-Resumable", TusVersion);
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        var metadata = new List<string>();
        if (fileName is not null)
        {
            metadata.Add("filename " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(fileName)));
        }

        if (contentType is not null)
        {
            metadata.Add("filetype " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(contentType)));
        }

        if (metadata.Count > 0)
        {
            request.Headers.Add("Upload-Metadata", string.Join(',', metadata));
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return response.Headers.Location?.OriginalString.TrimStart('/') ?? throw new RoostApiException("The upload was created without a Location.");
    }

    /// <summary>The server's offset of an upload (tus HEAD).</summary>
    public async Task<long> GetUploadOffsetAsync(string uploadPath, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Head, uploadPath);
        request.Headers.Add("Tus-Resumable", TusVersion);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
    }

    /// <summary>Sends what the server lacks of <paramref name="content"/> (seekable), from the offset it reports.</summary>
    public async Task ResumeUploadAsync(string uploadPath, Stream content, int chunkSize = 8 * 1024 * 1024, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var offset = await GetUploadOffsetAsync(uploadPath, cancellationToken);
        var buffer = new byte[Math.Min(chunkSize, Math.Max(1, content.Length))];
        while (offset < content.Length)
        {
            content.Position = offset;
            var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            using var request = CreateRequest(HttpMethod.Patch, uploadPath);
            request.Headers.Add("Tus-Resumable", TusVersion);
            request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
            request.Content = new ByteArrayContent(buffer, 0, read);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
            using var response = await _http.SendAsync(request, cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
            offset = long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A media item's state and metadata (its uploader, or members it was shared with).</summary>
    public Task<MediaResponse> GetMediaInfoAsync(string mediaId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/media/{mediaId}/info", RoostJsonContext.Default.MediaResponse, cancellationToken);

    /// <summary>
    /// Signed, short-lived URLs (relative to the server) of the file and thumbnails of each id the caller may see and
    /// that is ready, for clients that fetch without the token (an image tag, a media player, a download manager).
    /// </summary>
    public Task<MediaLinksResponse> GetMediaLinksAsync(IReadOnlyList<string> mediaIds, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/media/links", new MediaLinksRequest(mediaIds), RoostJsonContext.Default.MediaLinksRequest, RoostJsonContext.Default.MediaLinksResponse, cancellationToken);

    /// <summary>The media's bytes, or a thumbnail's.</summary>
    public async Task<byte[]> DownloadMediaAsync(string mediaId, int? thumbnailSize = null, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Get, thumbnailSize is { } size ? $"v1/media/{mediaId}/thumbnails/{size}" : $"v1/media/{mediaId}");
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>Sends a message carrying media (ready, uploaded by this account), with an optional caption.</summary>
    public Task<SendAck> SendMessageAsync(long conversationId, string? body, IReadOnlyList<string> attachments, string? clientId = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"v1/conversations/{conversationId}/messages", new SendMessageRequest(clientId ?? Guid.NewGuid().ToString("N"), body, null, attachments),
            RoostJsonContext.Default.SendMessageRequest, RoostJsonContext.Default.SendAck, cancellationToken);
}
