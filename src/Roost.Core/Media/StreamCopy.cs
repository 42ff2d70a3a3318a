namespace Roost.Core.Media;

/// <summary>Forward-only reads and copies for the strippers, where running out of input is a malformed file.</summary>
internal static class StreamCopy
{
    public const int BufferSize = 81920;

    /// <summary>Reads until <paramref name="buffer"/> is full or the input ends; the count read.</summary>
    public static int ReadUpTo(Stream input, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = input.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public static void ReadExactly(Stream input, Span<byte> buffer)
    {
        if (ReadUpTo(input, buffer) != buffer.Length)
        {
            throw MediaStructureException.Malformed("The file ends in the middle of a structure.");
        }
    }

    public static byte ReadByte(Stream input)
    {
        var value = input.ReadByte();
        return value < 0 ? throw MediaStructureException.Malformed("The file ends in the middle of a structure.") : (byte)value;
    }

    /// <summary>
    /// Moves <paramref name="length"/> bytes (or everything left, when null) from the input to the output, or writes
    /// that many zeros instead when <paramref name="zero"/>; one bounded buffer.
    /// </summary>
    public static void Copy(Stream input, Stream output, long? length, bool zero, byte[] buffer, CancellationToken cancellationToken)
    {
        var left = length ?? long.MaxValue;
        while (left > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                if (length is null)
                {
                    return;
                }

                throw MediaStructureException.Malformed("The file ends in the middle of a box.");
            }

            if (zero)
            {
                Array.Clear(buffer, 0, read);
            }

            output.Write(buffer, 0, read);
            left -= read;
        }
    }
}
