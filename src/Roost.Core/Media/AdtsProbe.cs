namespace Roost.Core.Media;

/// <summary>
/// Duration of raw AAC (ADTS): 1024 samples per raw data block, frame after frame. Past the frame budget the rest is
/// estimated from the bytes left (bitrates barely vary); junk or a trailing tag ends the count.
/// </summary>
internal static class AdtsProbe
{
    public const int MaxFrames = 100_000;

    public static MediaDetails Probe(StreamWindow window)
    {
        var start = 0L;
        var head = window.Read(0, Id3Tag.HeaderLength);
        if (Id3Tag.IsPresent(head))
        {
            if (!Id3Tag.TryGetLength(head, out var tagLength))
            {
                return MediaDetails.Unknown;
            }

            start = tagLength;
        }

        var position = start;
        var sampleRate = 0;
        var samples = 0UL;
        var frames = 0;
        while (frames < MaxFrames && AdtsHeader.TryParse(window.Read(position, 7), out var frame)
            && frame.FrameLength <= window.Length - position && (sampleRate == 0 || frame.SampleRate == sampleRate))
        {
            sampleRate = frame.SampleRate;
            samples += (ulong)(frame.RawDataBlocks * AdtsHeader.SamplesPerBlock);
            position += frame.FrameLength;
            frames++;
        }

        if (frames == 0)
        {
            return MediaDetails.Unknown;
        }

        if (frames == MaxFrames && position < window.Length)
        {
            samples = (ulong)((UInt128)samples * (ulong)(window.Length - start) / (ulong)(position - start));
        }

        return new MediaDetails(null, null, Durations.ToMilliseconds(samples, (ulong)sampleRate));
    }
}
