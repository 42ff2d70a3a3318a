using System.Buffers.Binary;

namespace Roost.Core.Media;

/// <summary>Duration from <c>moov/mvhd</c>, and size from the first video track's <c>tkhd</c> (MP4, QuickTime, M4A).</summary>
internal static class IsoBmffProbe
{
    public static MediaDetails Probe(StreamWindow window)
    {
        var walker = new BoxWalker(window);
        foreach (var box in walker.Children(0, window.Length))
        {
            if (box.Type == "moov")
            {
                return ReadMovie(walker, box);
            }
        }

        return MediaDetails.Unknown;
    }

    private static MediaDetails ReadMovie(BoxWalker walker, Box moov)
    {
        long? duration = null;
        (int Width, int Height)? size = null;
        var sawVideo = false;
        foreach (var box in walker.Children(moov))
        {
            if (box.Type == "mvhd" && duration is null)
            {
                duration = ReadDuration(walker.Window, box);
            }
            else if (box.Type == "trak" && !sawVideo)
            {
                (sawVideo, size) = ReadTrack(walker, box);
            }
        }

        return new MediaDetails(size?.Width, size?.Height, duration);
    }

    /// <summary>Whether the track is video (its <c>hdlr</c> says <c>vide</c>) and, if so, its displayed size.</summary>
    private static (bool IsVideo, (int, int)? Size) ReadTrack(BoxWalker walker, Box trak)
    {
        (int, int)? size = null;
        var isVideo = false;
        foreach (var box in walker.Children(trak))
        {
            if (box.Type == "tkhd")
            {
                size = ReadSize(walker.Window, box);
            }
            else if (box.Type == "mdia")
            {
                foreach (var child in walker.Children(box))
                {
                    if (child.Type == "hdlr")
                    {
                        var hdlr = walker.Window.Read(child.ContentStart, (int)Math.Min(12, child.ContentLength));
                        isVideo = hdlr.Length == 12 && hdlr[8..].SequenceEqual("vide"u8);
                        break;
                    }
                }
            }
        }

        return (isVideo, isVideo ? size : null);
    }

    private static long? ReadDuration(StreamWindow window, Box mvhd)
    {
        var content = window.Read(mvhd.ContentStart, (int)Math.Min(32, mvhd.ContentLength));
        if (content.Length >= 20 && content[0] == 0)
        {
            var duration = BinaryPrimitives.ReadUInt32BigEndian(content[16..]);
            return duration == uint.MaxValue ? null : Durations.ToMilliseconds(duration, BinaryPrimitives.ReadUInt32BigEndian(content[12..]));
        }

        if (content.Length >= 32 && content[0] == 1)
        {
            var duration = BinaryPrimitives.ReadUInt64BigEndian(content[24..]);
            return duration == ulong.MaxValue ? null : Durations.ToMilliseconds(duration, BinaryPrimitives.ReadUInt32BigEndian(content[20..]));
        }

        return null;
    }

    /// <summary>
    /// The track's width and height (16.16 fixed point), swapped when its matrix turns it a quarter turn: phones store
    /// portrait video as landscape plus a rotation, and clients lay out what is displayed.
    /// </summary>
    private static (int, int)? ReadSize(StreamWindow window, Box tkhd)
    {
        var content = window.Read(tkhd.ContentStart, (int)Math.Min(96, tkhd.ContentLength));
        var matrixOffset = content.Length > 0 && content[0] == 1 ? 52 : 40;
        if (content.Length < 1 || content[0] > 1 || content.Length < matrixOffset + 44)
        {
            return null;
        }

        var matrix = content[matrixOffset..];
        var width = (int)(BinaryPrimitives.ReadUInt32BigEndian(matrix[36..]) >> 16);
        var height = (int)(BinaryPrimitives.ReadUInt32BigEndian(matrix[40..]) >> 16);
        if (width == 0 || height == 0)
        {
            return null;
        }

        var a = BinaryPrimitives.ReadInt32BigEndian(matrix);
        var b = BinaryPrimitives.ReadInt32BigEndian(matrix[4..]);
        var c = BinaryPrimitives.ReadInt32BigEndian(matrix[12..]);
        var d = BinaryPrimitives.ReadInt32BigEndian(matrix[16..]);
        return a == 0 && d == 0 && b != 0 && c != 0 ? (height, width) : (width, height);
    }
}
