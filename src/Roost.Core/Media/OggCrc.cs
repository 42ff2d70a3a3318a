namespace Roost.Core.Media;

/// <summary>Ogg's page checksum: CRC-32 with polynomial 0x04C11DB7, not reflected, initial value and final XOR 0.</summary>
internal static class OggCrc
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The checksum of a whole page, its own checksum field (bytes 22 to 25) counted as zeros.</summary>
    public static uint Compute(ReadOnlySpan<byte> page)
    {
        var crc = 0u;
        for (var i = 0; i < page.Length; i++)
        {
            var value = i is >= 22 and < 26 ? (byte)0 : page[i];
            crc = (crc << 8) ^ Table[(crc >> 24) ^ value];
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var r = i << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }

            table[i] = r;
        }

        return table;
    }
}
