using System.Buffers.Binary;

namespace Roost.Core.Media;

/// <summary>
/// Copies an MP4, QuickTime or M4A file without its metadata: every <c>udta</c> and <c>meta</c> box (at the top, in
/// <c>moov</c>/<c>moof</c> and in their tracks) and every XMP <c>uuid</c> box becomes a <c>free</c> box of exactly
/// the same size with zeroed content. Nothing moves, so the <c>stco</c>/<c>co64</c> chunk offsets still point at the
/// same samples and the file plays as before. That is where phones put the recording place (<c>©xyz</c>, Apple's
/// <c>com.apple.quicktime.location.ISO6709</c>), the device and the software.
/// Only <c>moov</c> and <c>moof</c> are held in memory (up to a cap); the samples stream through one bounded buffer.
/// </summary>
public static class IsoBmffMetadataStripper
{
    /// <summary>The default cap on a buffered <c>moov</c>: an hour of 60 fps video indexes in a few MiB.</summary>
    public const long DefaultMaxMovieBytes = 64L * 1024 * 1024;

    /// <summary>Boxes nest this deep at most (moov/trak/mdia/minf is four); deeper is refused, not recursed into.</summary>
    private const int MaxDepth = 8;

    /// <summary>Adobe's XMP box (ISO/IEC 16684 / XMP part 3).</summary>
    private static ReadOnlySpan<byte> XmpUuid => [0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC];

    /// <summary>
    /// Copies <paramref name="input"/> (read forward only) to <paramref name="output"/>, metadata blanked.
    /// Throws <see cref="MediaStructureException"/> for a box that overruns its parent or the file, and for a
    /// <c>moov</c> or <c>moof</c> over <paramref name="maxMovieBytes"/>.
    /// </summary>
    public static void Strip(Stream input, Stream output, long maxMovieBytes = DefaultMaxMovieBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMovieBytes, (long)Array.MaxLength);
        var buffer = new byte[StreamCopy.BufferSize];
        var header = new byte[32];
        while (true)
        {
            var read = StreamCopy.ReadUpTo(input, header.AsSpan(0, 8));
            if (read < 8)
            {
                // Fewer than a box header's bytes after the last box: padding some writers leave, kept as it is.
                output.Write(header, 0, read);
                return;
            }

            var headerLength = 8;
            long? size = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (size == 1)
            {
                StreamCopy.ReadExactly(input, header.AsSpan(8, 8));
                var large = BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8));
                size = large > long.MaxValue ? throw MediaStructureException.Malformed("A box's 64-bit size is out of range.") : (long)large;
                headerLength = 16;
            }
            else if (size == 0)
            {
                size = null; // To the end of the file.
            }

            if (size < headerLength)
            {
                throw MediaStructureException.Malformed($"A top-level box claims {size} bytes, less than its header.");
            }

            var type = header.AsSpan(4, 4);
            var content = size - headerLength;
            if (type.SequenceEqual("moov"u8) || type.SequenceEqual("moof"u8))
            {
                var box = ReadBox(input, header.AsSpan(0, headerLength), content, maxMovieBytes);
                Scrub(box, headerLength, box.Length, 0);
                output.Write(box);
                continue;
            }

            var blank = IsMetadata(type);
            if (type.SequenceEqual("uuid"u8) && content is null or >= 16)
            {
                StreamCopy.ReadExactly(input, header.AsSpan(headerLength, 16));
                blank = header.AsSpan(headerLength, 16).SequenceEqual(XmpUuid);
                if (blank)
                {
                    header.AsSpan(headerLength, 16).Clear();
                }

                headerLength += 16;
                content -= 16;
            }

            if (blank)
            {
                "free"u8.CopyTo(header.AsSpan(4));
            }

            output.Write(header, 0, headerLength);
            StreamCopy.Copy(input, output, content, blank, buffer, cancellationToken);
            if (content is null)
            {
                return;
            }
        }
    }

    private static bool IsMetadata(ReadOnlySpan<byte> type) => type.SequenceEqual("udta"u8) || type.SequenceEqual("meta"u8);

    /// <summary>Containers a <c>udta</c>, <c>meta</c> or XMP box may sit in below <c>moov</c>/<c>moof</c>.</summary>
    private static bool IsContainer(ReadOnlySpan<byte> type) =>
        type.SequenceEqual("trak"u8) || type.SequenceEqual("mdia"u8) || type.SequenceEqual("minf"u8) || type.SequenceEqual("traf"u8);

    /// <summary>The whole box (header included) in memory; <paramref name="content"/> null means to the end of the file.</summary>
    private static byte[] ReadBox(Stream input, ReadOnlySpan<byte> header, long? content, long cap)
    {
        if (content is { } known)
        {
            if (header.Length + known > cap)
            {
                throw TooLarge(cap);
            }

            var box = new byte[header.Length + known];
            header.CopyTo(box);
            StreamCopy.ReadExactly(input, box.AsSpan(header.Length));
            return box;
        }

        using var memory = new MemoryStream();
        memory.Write(header);
        var buffer = new byte[StreamCopy.BufferSize];
        int read;
        while ((read = input.Read(buffer)) > 0)
        {
            if (memory.Length + read > cap)
            {
                throw TooLarge(cap);
            }

            memory.Write(buffer, 0, read);
        }

        return memory.ToArray();
    }

    /// <summary>Blanks the metadata among the children of <c>box[start..end]</c>, and in the containers among them.</summary>
    private static void Scrub(Span<byte> box, int start, int end, int depth)
    {
        var position = start;
        while (end - position >= 8)
        {
            var child = box[position..end];
            long size = BinaryPrimitives.ReadUInt32BigEndian(child);
            var headerLength = 8;
            if (size == 1)
            {
                if (child.Length < 16)
                {
                    throw MediaStructureException.Malformed("A box's 64-bit size is cut off.");
                }

                var large = BinaryPrimitives.ReadUInt64BigEndian(child[8..]);
                size = large > (ulong)child.Length ? child.Length + 1L : (long)large;
                headerLength = 16;
            }
            else if (size == 0)
            {
                size = child.Length;
            }

            if (size < headerLength || size > child.Length)
            {
                throw MediaStructureException.Malformed($"A '{System.Text.Encoding.Latin1.GetString(child[4..8])}' box overruns the box it is in.");
            }

            var type = child[4..8];
            var isXmp = type.SequenceEqual("uuid"u8) && size >= headerLength + 16 && child.Slice(headerLength, 16).SequenceEqual(XmpUuid);
            if (IsMetadata(type) || isXmp)
            {
                "free"u8.CopyTo(type);
                child[headerLength..(int)size].Clear();
            }
            else if (IsContainer(type))
            {
                if (depth >= MaxDepth)
                {
                    throw MediaStructureException.Malformed("Boxes nest too deep.");
                }

                Scrub(box, position + headerLength, position + (int)size, depth + 1);
            }

            position += (int)size;
        }

        // Fewer than eight bytes left: QuickTime's 32-bit zero terminator or padding; nothing a box could hide in.
    }

    private static MediaStructureException TooLarge(long cap) =>
        new(MediaErrorCodes.TooLarge, $"The movie's index (moov or moof) is over {cap} bytes.");
}
