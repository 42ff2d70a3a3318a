namespace Roost.Core.Media;

/// <summary>
/// Copies a GIF keeping only what plays it: the header, screen descriptor and color tables, graphic control
/// extensions, frames (byte for byte) and the NETSCAPE2.0/ANIMEXTS1.0 loop extension. Comments, plain-text
/// extensions, other application extensions (XMP, ICC, editors' data) and anything after the trailer are dropped:
/// text there can name a person or a place. Reads forward only, one block at a time.
/// </summary>
public static class GifMetadataStripper
{
    private const byte Extension = 0x21;
    private const byte ImageDescriptor = 0x2C;
    private const byte Trailer = 0x3B;
    private const byte GraphicControl = 0xF9;
    private const byte Application = 0xFF;
    private const byte PlainText = 0x01;

    /// <summary>A graphic control extension is one 4-byte sub-block; more than this is not one.</summary>
    private const int MaxGraphicControlBytes = 256;

    /// <summary>
    /// Copies <paramref name="input"/> to <paramref name="output"/> without its metadata. Throws
    /// <see cref="MediaStructureException"/> when the input is not a GIF or ends inside a block.
    /// </summary>
    public static void Strip(Stream input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new byte[256];
        var screen = new byte[13];
        StreamCopy.ReadExactly(input, screen);
        if (!screen.AsSpan().StartsWith("GIF87a"u8) && !screen.AsSpan().StartsWith("GIF89a"u8))
        {
            throw MediaStructureException.Malformed("The file is not a GIF.");
        }

        output.Write(screen);
        CopyColorTable(input, output, screen[10], buffer);

        // Held back until the block it applies to: a plain-text extension's control is dropped with it.
        byte[]? control = null;
        var sawImage = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = input.ReadByte();
            if (next < 0 && sawImage)
            {
                // Many encoders omit the trailer and every decoder accepts that; the copy gets one.
                output.WriteByte(Trailer);
                return;
            }

            switch (next)
            {
                case Trailer:
                    output.WriteByte(Trailer);
                    return;
                case ImageDescriptor:
                    if (control is not null)
                    {
                        output.Write(control);
                        control = null;
                    }

                    CopyImage(input, output, buffer);
                    sawImage = true;
                    break;
                case Extension:
                    var label = StreamCopy.ReadByte(input);
                    if (label == GraphicControl)
                    {
                        control = ReadGraphicControl(input, buffer);
                    }
                    else if (label == Application)
                    {
                        CopyOrSkipApplication(input, output, buffer);
                    }
                    else
                    {
                        // Comments (0xFE), plain text (0x01) and labels this code does not know: none is needed to play.
                        control = label == PlainText ? null : control;
                        SubBlocks(input, null, buffer);
                    }

                    break;
                case < 0:
                    throw MediaStructureException.Malformed("The GIF ends before its first frame.");
                default:
                    throw MediaStructureException.Malformed($"The GIF has an unknown block 0x{next:X2}.");
            }
        }
    }

    /// <summary>The color table a packed field announces (high bit set; 2^(n+1) RGB entries).</summary>
    private static void CopyColorTable(Stream input, Stream output, byte packed, byte[] buffer)
    {
        if ((packed & 0x80) != 0)
        {
            var length = 3 << ((packed & 0x07) + 1);
            var table = length <= buffer.Length ? buffer.AsSpan(0, length) : new byte[length];
            StreamCopy.ReadExactly(input, table);
            output.Write(table);
        }
    }

    private static void CopyImage(Stream input, Stream output, byte[] buffer)
    {
        var descriptor = new byte[10];
        descriptor[0] = ImageDescriptor;
        StreamCopy.ReadExactly(input, descriptor.AsSpan(1));
        output.Write(descriptor);
        CopyColorTable(input, output, descriptor[9], buffer);
        output.WriteByte(StreamCopy.ReadByte(input)); // LZW minimum code size.
        SubBlocks(input, output, buffer);
    }

    private static byte[] ReadGraphicControl(Stream input, byte[] buffer)
    {
        using var memory = new MemoryStream();
        memory.WriteByte(Extension);
        memory.WriteByte(GraphicControl);
        SubBlocks(input, memory, buffer, MaxGraphicControlBytes);
        return memory.ToArray();
    }

    /// <summary>Keeps the looping extensions (their identifier is the first sub-block, 11 bytes), drops any other.</summary>
    private static void CopyOrSkipApplication(Stream input, Stream output, byte[] buffer)
    {
        var length = StreamCopy.ReadByte(input);
        var identifier = buffer.AsSpan(0, length);
        StreamCopy.ReadExactly(input, identifier);
        var loops = length == 11 && (identifier.SequenceEqual("NETSCAPE2.0"u8) || identifier.SequenceEqual("ANIMEXTS1.0"u8));
        if (loops)
        {
            output.WriteByte(Extension);
            output.WriteByte(Application);
            output.WriteByte(length);
            output.Write(identifier);
        }

        if (length != 0)
        {
            SubBlocks(input, loops ? output : null, buffer);
        }
    }

    /// <summary>Length-prefixed sub-blocks up to the zero-length terminator, copied (terminator included) or skipped when <paramref name="output"/> is null.</summary>
    private static void SubBlocks(Stream input, Stream? output, byte[] buffer, long limit = long.MaxValue)
    {
        long total = 0;
        while (true)
        {
            var length = StreamCopy.ReadByte(input);
            output?.WriteByte(length);
            if (length == 0)
            {
                return;
            }

            total += length + 1;
            if (total > limit)
            {
                throw MediaStructureException.Malformed("A GIF extension is longer than its kind allows.");
            }

            StreamCopy.ReadExactly(input, buffer.AsSpan(0, length));
            output?.Write(buffer, 0, length);
        }
    }
}
