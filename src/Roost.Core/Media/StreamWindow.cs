namespace Roost.Core.Media;

/// <summary>Reads a seekable stream through one 64 KiB buffer, so probing allocates the same whatever a file claims.</summary>
internal sealed class StreamWindow
{
    public const int Size = 64 * 1024;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[Size];
    private long _start = -1;
    private int _length;

    public StreamWindow(Stream stream)
    {
        _stream = stream;
        Length = stream.Length;
    }

    public long Length { get; }

    /// <summary>
    /// Up to <paramref name="count"/> (at most <see cref="Size"/>) bytes at <paramref name="position"/>: fewer only at
    /// the end of the stream. The span is valid until the next read.
    /// </summary>
    public ReadOnlySpan<byte> Read(long position, int count)
    {
        if (position < 0 || position >= Length || count <= 0)
        {
            return [];
        }

        count = (int)Math.Min(Math.Min(count, Size), Length - position);
        if (_start < 0 || position < _start || position + count > _start + _length)
        {
            _stream.Position = position;
            _length = _stream.ReadAtLeast(_buffer, count, throwOnEndOfStream: false);
            _start = position;
        }

        var offset = (int)(position - _start);
        return _buffer.AsSpan(offset, Math.Min(count, _length - offset));
    }
}
