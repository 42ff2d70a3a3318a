namespace Roost.Core.Media;

/// <summary>The fixed header of one AAC ADTS frame (ISO/IEC 13818-7).</summary>
internal readonly record struct AdtsHeader(int SampleRate, int FrameLength, int RawDataBlocks)
{
    /// <summary>Every raw data block holds this many samples per channel.</summary>
    public const int SamplesPerBlock = 1024;

    private static readonly int[] SampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>The 12-bit sync word and layer 00 (an MPEG audio layer I-III frame has its layer bits set).</summary>
    public static bool IsSyncWord(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 0xFF && (data[1] & 0xF6) == 0xF0;

    /// <summary>Reads the header at the start of <paramref name="data"/>; false unless it is a plausible one (a known sample rate, a length that holds the header).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AdtsHeader header)
    {
        header = default;
        if (data.Length < 7 || !IsSyncWord(data))
        {
            return false;
        }

        var rateIndex = (data[2] >> 2) & 0x0F;
        var headerLength = (data[1] & 0x01) == 1 ? 7 : 9;
        var frameLength = ((data[3] & 0x03) << 11) | (data[4] << 3) | (data[5] >> 5);
        if (rateIndex >= SampleRates.Length || frameLength < headerLength)
        {
            return false;
        }

        header = new AdtsHeader(SampleRates[rateIndex], frameLength, (data[6] & 0x03) + 1);
        return true;
    }
}
