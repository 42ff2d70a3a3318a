using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace Roost.Testing.Media;

/// <summary>Images for the media tests: drawn gradients (so thumbnails mean something), located photos, a bomb.</summary>
public static class TestImages
{
    /// <summary>The GPS latitude entry of <see cref="JpegWithExif"/>'s GPS IFD (tag 2, RATIONAL, count 3, little-endian): found in a file, location leaked.</summary>
    public static ReadOnlySpan<byte> GpsLatitudeEntry => [0x02, 0x00, 0x05, 0x00, 0x03, 0x00, 0x00, 0x00];

    public static byte[] Jpeg(int width, int height) => Encode(Gradient(width, height, alpha: false), SKEncodedImageFormat.Jpeg);

    public static byte[] Png(int width, int height, bool alpha = false) => Encode(Gradient(width, height, alpha), SKEncodedImageFormat.Png);

    /// <summary>A JPEG carrying an EXIF block (APP1) with the orientation and, if asked, a GPS position (Paris).</summary>
    public static byte[] JpegWithExif(int width, int height, int orientation, bool gps = true)
    {
        var jpeg = Jpeg(width, height);
        var tiff = Tiff((ushort)orientation, gps);
        var segment = new byte[4 + 6 + tiff.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + 6 + tiff.Length));
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment.AsSpan(10));
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A valid PNG whose header claims <paramref name="width"/>×<paramref name="height"/> pixels over a few bytes of data.</summary>
    public static byte[] PngBomb(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        Chunk(output, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(new byte[65_536]);
            }

            Chunk(output, "IDAT", compressed.ToArray());
        }

        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static SKBitmap Gradient(int width, int height, bool alpha)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(255 * x / width), (byte)(255 * y / height), 128, alpha ? (byte)(255 * x / width) : (byte)255));
            }
        }

        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using (bitmap)
        using (var image = SKImage.FromBitmap(bitmap))
        using (var data = image.Encode(format, 90))
        {
            return data.ToArray();
        }
    }

    /// <summary>A little-endian TIFF with IFD0 (Orientation, and a pointer to the GPS IFD) and the GPS IFD.</summary>
    private static byte[] Tiff(ushort orientation, bool gps)
    {
        var tiff = new byte[140];
        var span = tiff.AsSpan();
        "II"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], (ushort)(gps ? 2 : 1));
        Entry(span[10..], 0x0112, 3, 1, orientation);
        if (gps)
        {
            Entry(span[22..], 0x8825, 4, 1, 38);
            BinaryPrimitives.WriteUInt16LittleEndian(span[38..], 4);
            Entry(span[40..], 0x0001, 2, 2, 'N');
            Entry(span[52..], 0x0002, 5, 3, 92);
            Entry(span[64..], 0x0003, 2, 2, 'E');
            Entry(span[76..], 0x0004, 5, 3, 116);
            uint[] rationals = [48, 1, 51, 1, 3024, 100, 2, 1, 17, 1, 4020, 100];
            for (var i = 0; i < rationals.Length; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[(92 + (4 * i))..], rationals[i]);
            }
        }

        return tiff;
    }

    private static void Entry(Span<byte> at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(at, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(at[4..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(at[8..], value);
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        output.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        output.Write(number);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
