using System.Text;

namespace Roost.Cli.Bench;

/// <summary>
/// A read-only, seekable stream of <paramref name="length"/> bytes that sniffs as a PDF (it starts with <c>%PDF-</c>,
/// the only check the server makes of a document), made up as it is read: a header naming <paramref name="seed"/>,
/// so no two uploads are the same file (the server stores identical bytes once), then a 64 KiB random block
/// repeated. Never more than that block in memory, whatever the length.
/// </summary>
internal sealed class SyntheticDocument : Stream
{
    private const int BlockBytes = 65_536;

    private static readonly byte[] Block = MakeBlock();

    private readonly byte[] _header;
    private readonly long _length;
    private long _position;

    public SyntheticDocument(long length, string seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
        _header = Encoding.ASCII.GetBytes($"%PDF-1.7\n% roost bench {seed}\n");
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = (int)Math.Min(buffer.Length, Math.Max(0, _length - _position));
        var written = 0;
        while (written < total)
        {
            var at = _position + written;
            int copied;
            if (at < _header.Length)
            {
                copied = Math.Min(total - written, _header.Length - (int)at);
                _header.AsSpan((int)at, copied).CopyTo(buffer[written..]);
            }
            else
            {
                var inBlock = (int)(at % BlockBytes);
                copied = Math.Min(total - written, BlockBytes - inBlock);
                Block.AsSpan(inBlock, copied).CopyTo(buffer[written..]);
            }

            written += copied;
        }

        _position += total;
        return total;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static byte[] MakeBlock()
    {
        var block = new byte[BlockBytes];
        new Random(20261204).NextBytes(block);
        return block;
    }
}
