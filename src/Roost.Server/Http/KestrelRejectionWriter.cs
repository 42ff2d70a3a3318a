using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Roost.Server.Http;

/// <summary>
/// Kestrel answers requests it cannot parse (a path with <c>%00</c>, a broken request line, oversized headers)
/// itself, before any middleware runs, with an empty 4xx and <c>Connection: close</c>; it offers no hook to give
/// them a body. This writer sits on the connection's output and turns exactly those answers into problem+json with
/// a stable code. It looks only at the connection's first write, which is always the head of its first response:
/// a later write may be a body chunk, whose bytes a client may control, and rewriting one would break the framing.
/// So a rejection of a later request on a kept-alive connection keeps Kestrel's empty body. After the first write
/// the writer passes everything through (one flag check), WebSocket traffic included.
/// With TLS, this middleware must sit after UseHttps, where it sees plain HTTP.
/// </summary>
internal sealed class KestrelRejectionWriter(PipeWriter inner) : PipeWriter
{
    private static readonly byte[] ClientErrorStart = "HTTP/1.1 4"u8.ToArray();
    private static readonly byte[] VersionNotSupported = "HTTP/1.1 505 "u8.ToArray();
    private static readonly byte[] EmptyBody = "\r\nContent-Length: 0\r\n"u8.ToArray();
    private static readonly byte[] Closing = "\r\nConnection: close\r\n"u8.ToArray();
    private static readonly byte[] ContentType = "\r\nContent-Type:"u8.ToArray();
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private Memory<byte> _lastMemory;
    private bool _passThrough;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;

    public override Memory<byte> GetMemory(int sizeHint = 0) => _passThrough ? inner.GetMemory(sizeHint) : _lastMemory = inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _passThrough ? inner.GetSpan(sizeHint) : (_lastMemory = inner.GetMemory(sizeHint)).Span;

    public override void Advance(int bytes)
    {
        if (!_passThrough)
        {
            _passThrough = true;
            if (bytes <= _lastMemory.Length && TryRewrite(_lastMemory.Span[..bytes], out var replacement))
            {
                // Nothing of the original is committed; the rewritten answer takes its place.
                _lastMemory = default;
                inner.Advance(0);
                inner.Write(replacement);
                return;
            }

            _lastMemory = default;
        }

        inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    /// <summary>
    /// An empty client-error answer (4xx, or 505 for a request line naming no HTTP version Kestrel speaks) that closes
    /// the connection and has no content type: only Kestrel's own rejections look like this.
    /// </summary>
    private static bool TryRewrite(ReadOnlySpan<byte> written, out byte[] replacement)
    {
        replacement = [];
        if (!written.StartsWith(ClientErrorStart) && !written.StartsWith(VersionNotSupported))
        {
            return false;
        }

        var end = written.IndexOf(HeaderEnd);
        if (end < 0 || end + HeaderEnd.Length != written.Length)
        {
            return false; // Split across writes, or a body follows: not a rejection we can recognise safely.
        }

        var head = written[..(end + 2)]; // Keeps the last header's CRLF.
        if (head.IndexOf(EmptyBody) < 0 || head.IndexOf(Closing) < 0 || head.IndexOf(ContentType) >= 0)
        {
            return false;
        }

        var statusText = Encoding.ASCII.GetString(written.Slice(9, 3));
        if (!int.TryParse(statusText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status))
        {
            return false;
        }

        var body = Encoding.UTF8.GetBytes(ProblemBody(status));
        var headers = Encoding.ASCII.GetString(head).Replace("\r\nContent-Length: 0\r\n", "\r\n", StringComparison.Ordinal);
        var lineEnd = headers.IndexOf("\r\n", StringComparison.Ordinal);
        var rebuilt = string.Concat(
            headers.AsSpan(0, lineEnd),
            $"\r\nContent-Type: application/problem+json\r\nContent-Length: {body.Length}",
            headers.AsSpan(lineEnd),
            "\r\n");
        var bytes = Encoding.ASCII.GetBytes(rebuilt);
        replacement = new byte[bytes.Length + body.Length];
        bytes.CopyTo(replacement, 0);
        body.CopyTo(replacement, bytes.Length);
        return true;
    }

    private static string ProblemBody(int status)
    {
        // A 505 here is the client's malformed request line, not a server fault.
        var code = status >= 500 ? Core.Errors.ErrorCodes.MalformedRequest : Problems.CodeForStatus(status);
        var title = status switch
        {
            StatusCodes.Status413PayloadTooLarge => "The request body is larger than this server accepts.",
            StatusCodes.Status414UriTooLong => "The request target is longer than this server accepts.",
            StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request headers are larger than this server accepts.",
            _ => "The request is malformed: the server could not parse its request line, target or headers.",
        };

        // Plain string building: the shape is fixed and the values are constants, so no serializer is needed here.
        return $"{{\"type\":\"https://tools.ietf.org/html/rfc9110#section-15.5\",\"title\":\"{title}\",\"status\":{status},\"code\":\"{code}\"}}";
    }
}

/// <summary>Puts <see cref="KestrelRejectionWriter"/> on every HTTP/1 connection's output.</summary>
internal static class KestrelRejections
{
    public static void UseProblemRejections(this Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen) =>
        listen.Use(next => async connection =>
        {
            var original = connection.Transport;
            connection.Transport = new RewrittenTransport(original.Input, new KestrelRejectionWriter(original.Output));
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = original;
            }
        });

    private sealed class RewrittenTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
