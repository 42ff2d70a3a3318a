using System.Buffers;
using System.Buffers.Binary;

namespace Roost.Core.Media;

/// <summary>
/// Copies an Ogg Opus or Vorbis file with an empty comment header: the tags (title, artist, and whatever a recorder
/// writes there, a location or a cover picture among them) and the vendor string go; the identification header,
/// Vorbis's setup header and every audio page stay. The new header pages are fewer or as many as before, so later
/// pages of that stream get new sequence numbers and checksums; their bodies and granules are untouched. Streams of
/// other codecs pass as they are. Only header packets are held in memory (up to a cap).
/// </summary>
public static class OggCommentStripper
{
    /// <summary>Header packets (comments with a cover picture, a Vorbis setup) beyond this are refused.</summary>
    public const int MaxHeaderBytes = 16 * 1024 * 1024;

    private const byte FirstPage = 0x02;

    /// <summary>
    /// Copies <paramref name="input"/> (read forward only) to <paramref name="output"/>. Throws
    /// <see cref="MediaStructureException"/> for a page that is cut off or not a page, and for headers that do not
    /// end on a page of their own or end the file.
    /// </summary>
    public static void Strip(Stream input, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var streams = new Dictionary<uint, LogicalStream>();
        var buffer = new byte[OggPage.MaxLength];
        while (ReadPage(input, buffer) is { } page)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bytes = buffer.AsSpan(0, page.Length);
            var body = bytes[page.HeaderLength..];
            if ((page.Flags & FirstPage) != 0)
            {
                streams[page.Serial] = LogicalStream.Start(body, bytes[OggPage.FixedHeaderLength..page.HeaderLength], BinaryPrimitives.ReadUInt32LittleEndian(bytes[18..]));
                output.Write(bytes);
                continue;
            }

            if (!streams.TryGetValue(page.Serial, out var stream) || stream.HeadersLeft == 0)
            {
                if (stream is { SequenceShift: not 0 })
                {
                    var sequence = BinaryPrimitives.ReadUInt32LittleEndian(bytes[18..]);
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes[18..], unchecked(sequence + (uint)stream.SequenceShift));
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes[22..], OggCrc.Compute(bytes));
                }

                output.Write(bytes);
                continue;
            }

            stream.Collect(bytes[OggPage.FixedHeaderLength..page.HeaderLength], body);
            if (stream.HeadersLeft == 0)
            {
                var oldNext = BinaryPrimitives.ReadUInt32LittleEndian(bytes[18..]) + 1;
                var written = stream.WriteHeaders(output, page.Serial);
                stream.SequenceShift = unchecked((int)(written - oldNext));
            }
        }

        if (streams.Values.Any(s => s.HeadersLeft > 0))
        {
            throw MediaStructureException.Malformed("The Ogg file ends inside its headers.");
        }
    }

    /// <summary>The next whole page, or null at the end of the input.</summary>
    private static OggPage? ReadPage(Stream input, byte[] buffer)
    {
        var read = StreamCopy.ReadUpTo(input, buffer.AsSpan(0, OggPage.FixedHeaderLength));
        if (read == 0)
        {
            return null;
        }

        if (read < OggPage.FixedHeaderLength || !buffer.AsSpan().StartsWith("OggS"u8) || buffer[4] != 0)
        {
            throw MediaStructureException.Malformed("The Ogg file has something that is not a page.");
        }

        StreamCopy.ReadExactly(input, buffer.AsSpan(OggPage.FixedHeaderLength, buffer[26]));
        if (!OggPage.TryReadHeader(buffer, out var page))
        {
            throw MediaStructureException.Malformed("The Ogg file has something that is not a page.");
        }

        StreamCopy.ReadExactly(input, buffer.AsSpan(page.HeaderLength, page.BodyLength));
        return page;
    }

    /// <summary>One logical stream's state: which codec, the header packets still to come, how far its pages moved.</summary>
    private sealed class LogicalStream
    {
        private readonly bool _opus;
        private readonly List<byte[]> _packets = [];
        private readonly ArrayBufferWriter<byte> _partial = new();
        private readonly uint _firstSequence;
        private long _held;

        private LogicalStream(bool opus, int headersLeft, uint firstSequence)
        {
            _opus = opus;
            HeadersLeft = headersLeft;
            _firstSequence = firstSequence;
        }

        /// <summary>Header packets after the identification header still to collect (comments, then Vorbis's setup); 0 when done or not ours.</summary>
        public int HeadersLeft { get; private set; }

        public int SequenceShift { get; set; }

        /// <summary>From a first page, which both codecs require to hold the identification header alone.</summary>
        public static LogicalStream Start(ReadOnlySpan<byte> body, ReadOnlySpan<byte> lacing, uint sequence)
        {
            var opus = body.StartsWith(OggPage.OpusHead);
            if (!opus && !body.StartsWith(OggPage.VorbisIdentification))
            {
                return new LogicalStream(false, 0, sequence);
            }

            if (lacing.Length == 0 || lacing[^1] == 255 || lacing[..^1].ContainsAnyExcept((byte)255))
            {
                throw MediaStructureException.Malformed("An Ogg stream's first page does not hold its identification header alone.");
            }

            return new LogicalStream(opus, opus ? 1 : 2, sequence);
        }

        /// <summary>Takes a header page's packets; the last header must end the page (audio starts on a fresh one).</summary>
        public void Collect(ReadOnlySpan<byte> lacing, ReadOnlySpan<byte> body)
        {
            _held += body.Length;
            if (_held > MaxHeaderBytes)
            {
                throw new MediaStructureException(MediaErrorCodes.TooLarge, $"An Ogg stream's headers are over {MaxHeaderBytes} bytes.");
            }

            var offset = 0;
            for (var i = 0; i < lacing.Length; i++)
            {
                if (HeadersLeft == 0)
                {
                    throw MediaStructureException.Malformed("Audio starts on an Ogg header page.");
                }

                _partial.Write(body.Slice(offset, lacing[i]));
                offset += lacing[i];
                if (lacing[i] < 255)
                {
                    _packets.Add(_partial.WrittenSpan.ToArray());
                    _partial.ResetWrittenCount();
                    HeadersLeft--;
                }
            }

            if (HeadersLeft == 0 && _partial.WrittenCount > 0)
            {
                throw MediaStructureException.Malformed("Audio starts on an Ogg header page.");
            }
        }

        /// <summary>Writes the emptied comment header (and the setup header) as pages after the first; the next free sequence number.</summary>
        public uint WriteHeaders(Stream output, uint serial)
        {
            var comments = _packets[0];
            if (!comments.AsSpan().StartsWith(_opus ? "OpusTags"u8 : "\u0003vorbis"u8))
            {
                throw MediaStructureException.Malformed("An Ogg stream's second packet is not its comment header.");
            }

            // An empty vendor string and no comments; Vorbis ends the header with a framing bit.
            byte[] empty = _opus ? [.. "OpusTags"u8, 0, 0, 0, 0, 0, 0, 0, 0] : [.. "\u0003vorbis"u8, 0, 0, 0, 0, 0, 0, 0, 0, 1];
            return OggPages.Write(output, serial, _firstSequence + 1, [empty, .. _packets.Skip(1)]);
        }
    }
}
