namespace Roost.Core.Media;

/// <summary>An ID3v2 tag, which audio encoders put before the first ADTS frame.</summary>
internal static class Id3Tag
{
    public const int HeaderLength = 10;

    public static bool IsPresent(ReadOnlySpan<byte> data) => data.StartsWith("ID3"u8);

    /// <summary>The whole tag's length (header, body and footer) from its syncsafe size; false when the header is not a valid one.</summary>
    public static bool TryGetLength(ReadOnlySpan<byte> data, out int length)
    {
        length = 0;
        if (data.Length < HeaderLength || !IsPresent(data) || data[3] == 0xFF || data[4] == 0xFF)
        {
            return false;
        }

        var size = 0;
        foreach (var b in data[6..HeaderLength])
        {
            if (b >= 0x80)
            {
                return false;
            }

            size = (size << 7) | b;
        }

        var hasFooter = (data[5] & 0x10) != 0;
        length = HeaderLength + size + (hasFooter ? HeaderLength : 0);
        return true;
    }
}
