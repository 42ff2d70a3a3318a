using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Roost.Client;
using Roost.Protocol.Rest;
using Roost.Testing;

namespace Roost.Server.Tests.Media;

/// <summary>tus requests by hand (to test the protocol's edges) and waiting for processing, for the media tests.</summary>
internal static class MediaTestSupport
{
    public static HttpClient Http(Uri baseAddress, RoostClient user)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeoutExtensions.Limit };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        return http;
    }

    /// <summary>A PDF as far as the sniffer is concerned: the signature, then random bytes.</summary>
    public static byte[] Document(int length, int seed = 7)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    public static async Task<HttpResponseMessage> CreateAsync(HttpClient http, long length, string? fileName = null, string? fileType = null, byte[]? firstChunk = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/media/uploads");
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        var metadata = new List<string>();
        if (fileName is not null)
        {
            metadata.Add("filename " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(fileName)));
        }

        if (fileType is not null)
        {
            metadata.Add("filetype " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(fileType)));
        }

        if (metadata.Count > 0)
        {
            request.Headers.Add("Upload-Metadata", string.Join(',', metadata));
        }

        if (firstChunk is not null)
        {
            request.Content = OffsetContent(firstChunk);
        }

        return await http.SendAsync(request).DefaultTimeout();
    }

    public static async Task<HttpResponseMessage> PatchAsync(HttpClient http, string location, long offset, byte[] bytes, string? checksum = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, location);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        if (checksum is not null)
        {
            request.Headers.Add("Upload-Checksum", checksum);
        }

        request.Content = OffsetContent(bytes);
        return await http.SendAsync(request).DefaultTimeout();
    }

    public static async Task<HttpResponseMessage> HeadAsync(HttpClient http, string location)
    {
        var request = new HttpRequestMessage(HttpMethod.Head, location);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return await http.SendAsync(request).DefaultTimeout();
    }

    public static long Offset(HttpResponseMessage response) => long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);

    public static string Location(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    public static string IdOf(string location) => location[(location.LastIndexOf('/') + 1)..];

    public static ByteArrayContent OffsetContent(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        return content;
    }

    /// <summary>Polls the media's state until processing ended (bounded: the default test limit).</summary>
    public static async Task<MediaResponse> WaitProcessedAsync(RoostClient owner, string id)
    {
        using var limit = new CancellationTokenSource(TimeoutExtensions.Limit);
        while (true)
        {
            var info = await owner.GetMediaInfoAsync(id, limit.Token);
            if (info.State is "ready" or "failed")
            {
                return info;
            }

            await Task.Delay(20, limit.Token);
        }
    }

    /// <summary>Uploads in one tus creation-with-upload and waits until processed.</summary>
    public static async Task<MediaResponse> UploadAsync(RoostClient owner, byte[] bytes, string fileName, string? fileType = null)
    {
        var id = await owner.UploadMediaAsync(new MemoryStream(bytes), bytes.Length, fileName, fileType).DefaultTimeout();
        return await WaitProcessedAsync(owner, id);
    }

    public static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
