namespace Roost.Core.Media;

/// <summary>
/// Read-only view of the next <c>limit</c> bytes of <paramref name="inner"/> (from its current position), which it owns:
/// a ranged read of a local blob ends where the range does, not at the end of the file. Seekable within the range when
/// the inner stream is, so a ranged file can still be served with Range requests of its own. With
/// <paramref name="exact"/>, an inner stream that ends sooner is an <see cref="IOException"/> rather than a short read
/// (an upload must never store fewer bytes than it said).
/// </summary>
public sealed class BoundedReadStream(Stream inner, long limit, bool exact = false) : Stream
{
    private readonly long _limit = limit >= 0 ? limit : throw new ArgumentOutOfRangeException(nameof(limit));
    private readonly long _start = inner.CanSeek ? inner.Position : 0;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    /// <summary>The range's length, shortened when the inner stream ends first.</summary>
    public override long Length => CanSeek ? Math.Clamp(inner.Length - _start, 0, _limit) : throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    private int Want(int buffer) => (int)Math.Min(buffer, Math.Max(0, _limit - _position));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var want = Want(buffer.Length);
        return want == 0 ? 0 : Count(inner.Read(buffer[..want]));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var want = Want(buffer.Length);
        return want == 0 ? 0 : Count(await inner.ReadAsync(buffer[..want], cancellationToken));
    }

    private int Count(int read)
    {
        if (read == 0 && exact)
        {
            throw new IOException($"The content ended after {_position} of {_limit} bytes.");
        }

        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        if (!CanSeek)
        {
            throw new NotSupportedException();
        }

        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0)
        {
            throw new IOException("An attempt was made to move the position before the beginning of the stream.");
        }

        // Past the range is allowed, as on a file: reads there return nothing.
        inner.Seek(_start + Math.Min(target, _limit), SeekOrigin.Begin);
        _position = target;
        return target;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
