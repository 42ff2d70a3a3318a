using System.Buffers;

namespace Roost.Server.Gateway;

/// <summary>
/// The upgraded connection's byte stream, able to hold writes while a connection's send loop drains several queued
/// frames, so they leave in one write (one pipe flush, one socket send) instead of one each. Outside a hold, writes
/// pass straight through: keep-alive pings and pongs that the WebSocket writes on its own never wait for a flush.
/// Writes are serialized here, because the WebSocket writes control frames from its own timer while the send loop
/// flushes.
/// </summary>
internal sealed class CoalescingStream(Stream inner) : Stream
{
    /// <summary>Held bytes beyond this are written at once: memory per connection stays bounded.</summary>
    public const int MaxHeldBytes = 64 * 1024;

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private byte[]? _held;
    private int _heldLength;
    private bool _holding;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Starts holding writes until <see cref="ReleaseAsync"/>. Only the connection's send loop calls these two.</summary>
    public void Hold() => Volatile.Write(ref _holding, true);

    /// <summary>Writes whatever was held, in one write, and stops holding.</summary>
    public async ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            _holding = false;
            await WriteHeldAsync(cancellationToken);

            // An idle connection keeps no buffer.
            ReturnHeld();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            if (!_holding)
            {
                await WriteHeldAsync(cancellationToken);
                await inner.WriteAsync(buffer, cancellationToken);
                return;
            }

            if (_heldLength + buffer.Length > MaxHeldBytes)
            {
                await WriteHeldAsync(cancellationToken);
                if (buffer.Length > MaxHeldBytes)
                {
                    await inner.WriteAsync(buffer, cancellationToken);
                    return;
                }
            }

            _held ??= ArrayPool<byte>.Shared.Rent(MaxHeldBytes);
            buffer.Span.CopyTo(_held.AsSpan(_heldLength));
            _heldLength += buffer.Length;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReturnHeld();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        ReturnHeld();
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Caller holds the write gate.</summary>
    private async ValueTask WriteHeldAsync(CancellationToken cancellationToken)
    {
        if (_heldLength == 0)
        {
            return;
        }

        var length = _heldLength;
        _heldLength = 0;
        await inner.WriteAsync(_held.AsMemory(0, length), cancellationToken);
    }

    private void ReturnHeld()
    {
        if (Interlocked.Exchange(ref _held, null) is { } held)
        {
            ArrayPool<byte>.Shared.Return(held);
        }
    }
}
