namespace Roost.Core.Media;

/// <summary>
/// Read-only view of the next <c>limit</c> bytes of <paramref name="inner"/>, which it owns: a ranged read of a local
/// blob ends where the range does, not at the end of the file. With <paramref name="exact"/>, an inner stream that ends
/// sooner is an <see cref="IOException"/> rather than a short read (an upload must never store fewer bytes than it said).
/// </summary>
public sealed class BoundedReadStream(Stream inner, long limit, bool exact = false) : Stream
{
    private readonly long _limit = limit;
    private long _remaining = limit;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _limit - _remaining;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_remaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        return Count(inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining == 0 || buffer.IsEmpty)
        {
            return 0;
        }

        return Count(await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken));
    }

    private int Count(int read)
    {
        if (read == 0 && exact)
        {
            throw new IOException($"The content ended after {_limit - _remaining} of {_limit} bytes.");
        }

        _remaining -= read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

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
