namespace Roost.Core.Media;

/// <summary>
/// BlurHash (https://blurha.sh, the woltapp reference algorithm): a 20–30 character placeholder a client paints as a
/// blur before the thumbnail arrives. Written here because no maintained package is served; it is forty lines.
/// </summary>
public static class Blurhash
{
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

    /// <summary>Encodes unpremultiplied RGBA pixels (keep the image small: every pixel is visited per component).</summary>
    public static string Encode(ReadOnlySpan<byte> rgba, int width, int height, int componentsX, int componentsY)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (componentsX is < 1 or > 9 || componentsY is < 1 or > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(componentsX), "BlurHash has 1 to 9 components each way.");
        }

        if (rgba.Length < width * height * 4)
        {
            throw new ArgumentException("Too few pixels for the size.", nameof(rgba));
        }

        var factors = new (double R, double G, double B)[componentsX * componentsY];
        for (var j = 0; j < componentsY; j++)
        {
            for (var i = 0; i < componentsX; i++)
            {
                double r = 0, g = 0, b = 0;
                for (var y = 0; y < height; y++)
                {
                    var cosY = Math.Cos(Math.PI * j * y / height);
                    for (var x = 0; x < width; x++)
                    {
                        var basis = Math.Cos(Math.PI * i * x / width) * cosY;
                        var p = ((y * width) + x) * 4;
                        r += basis * ToLinear(rgba[p]);
                        g += basis * ToLinear(rgba[p + 1]);
                        b += basis * ToLinear(rgba[p + 2]);
                    }
                }

                var scale = (i == 0 && j == 0 ? 1.0 : 2.0) / (width * height);
                factors[(j * componentsX) + i] = (r * scale, g * scale, b * scale);
            }
        }

        var hash = new System.Text.StringBuilder();
        Append(hash, componentsX - 1 + ((componentsY - 1) * 9), 1);
        double maximum = 1;
        if (factors.Length > 1)
        {
            var actual = factors.Skip(1).Max(f => Math.Max(Math.Abs(f.R), Math.Max(Math.Abs(f.G), Math.Abs(f.B))));
            var quantised = (int)Math.Clamp(Math.Floor((actual * 166) - 0.5), 0, 82);
            maximum = (quantised + 1) / 166.0;
            Append(hash, quantised, 1);
        }
        else
        {
            Append(hash, 0, 1);
        }

        var dc = factors[0];
        Append(hash, (ToSrgb(dc.R) << 16) + (ToSrgb(dc.G) << 8) + ToSrgb(dc.B), 4);
        foreach (var ac in factors.Skip(1))
        {
            Append(hash, (Quantise(ac.R, maximum) * 19 * 19) + (Quantise(ac.G, maximum) * 19) + Quantise(ac.B, maximum), 2);
        }

        return hash.ToString();
    }

    private static int Quantise(double value, double maximum)
    {
        var normal = value / maximum;
        return (int)Math.Clamp(Math.Floor((Math.CopySign(Math.Sqrt(Math.Abs(normal)), normal) * 9) + 9.5), 0, 18);
    }

    private static double ToLinear(byte value)
    {
        var v = value / 255.0;
        return v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
    }

    private static int ToSrgb(double value)
    {
        var v = Math.Clamp(value, 0, 1);
        return v <= 0.0031308 ? (int)((v * 12.92 * 255) + 0.5) : (int)((((1.055 * Math.Pow(v, 1 / 2.4)) - 0.055) * 255) + 0.5);
    }

    private static void Append(System.Text.StringBuilder hash, int value, int length)
    {
        for (var i = 1; i <= length; i++)
        {
            var digit = value / (int)Math.Pow(83, length - i) % 83;
            hash.Append(Digits[digit]);
        }
    }
}
