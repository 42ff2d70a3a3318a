using System.Buffers.Binary;
using System.Text;

namespace Roost.Core.Media;

/// <summary>One ISO-BMFF box: its four-character type and where its content lies.</summary>
internal readonly record struct Box(string Type, long ContentStart, long End)
{
    public long ContentLength => End - ContentStart;
}

/// <summary>
/// Lists ISO-BMFF boxes (32-bit, 64-bit and to-the-end sizes). One budget of boxes covers the whole walk, so a file
/// of millions of tiny boxes costs no more than a normal one; a box that overruns its parent ends the listing.
/// </summary>
internal sealed class BoxWalker(StreamWindow window)
{
    public const int MaxBoxes = 100_000;

    private int _walked;

    public StreamWindow Window { get; } = window;

    public IEnumerable<Box> Children(Box parent) => Children(parent.ContentStart, parent.End);

    public IEnumerable<Box> Children(long start, long end)
    {
        var position = start;
        while (end - position >= 8 && _walked < MaxBoxes)
        {
            _walked++;
            if (!TryRead(position, end, out var box))
            {
                yield break;
            }

            yield return box;
            position = box.End;
        }
    }

    private bool TryRead(long position, long end, out Box box)
    {
        box = default;
        var header = Window.Read(position, 16);
        if (header.Length < 8)
        {
            return false;
        }

        long size = BinaryPrimitives.ReadUInt32BigEndian(header);
        var type = Encoding.Latin1.GetString(header[4..8]);
        var headerLength = 8;
        if (size == 1)
        {
            if (header.Length < 16 || BinaryPrimitives.ReadUInt64BigEndian(header[8..]) > long.MaxValue)
            {
                return false;
            }

            size = (long)BinaryPrimitives.ReadUInt64BigEndian(header[8..]);
            headerLength = 16;
        }
        else if (size == 0)
        {
            size = end - position;
        }

        if (size < headerLength || size > end - position)
        {
            return false;
        }

        box = new Box(type, position + headerLength, position + size);
        return true;
    }
}
