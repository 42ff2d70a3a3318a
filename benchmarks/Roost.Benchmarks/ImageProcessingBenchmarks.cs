using BenchmarkDotNet.Attributes;
using Roost.Core.Media;
using Roost.Media.Imaging;
using SkiaSharp;

namespace Roost.Benchmarks;

/// <summary>
/// One uploaded photo through the server's real <see cref="SkiaImageProcessor"/> with the default policy: header
/// check, decode, orientation, re-encode without metadata (JPEG 85), thumbnails fitting 256 and 1024 (JPEG 80) and
/// the BlurHash placeholder, each output file written and fsynced as the server does. The photo is made in setup: a
/// smooth gradient with per-pixel noise, so it compresses like a camera's picture (a few bits per pixel), not like a
/// flat test gradient. One invocation is one image: thumbnails per second = 1 / mean.
/// </summary>
[MemoryDiagnoser]
public class ImageProcessingBenchmarks
{
    private readonly SkiaImageProcessor _processor = new();
    private readonly ImagePolicy _policy = new(50_000_000, [256, 1024]);
    private string _directory = null!;
    private string _input = null!;
    private string _output = null!;

    [Params("4000x3000", "1920x1080")]
    public string Size { get; set; } = "4000x3000";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Size.Split('x');
        var (width, height) = (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        _directory = Directory.CreateTempSubdirectory("roost-image-bench-").FullName;
        _input = Path.Combine(_directory, "photo.jpg");
        _output = Directory.CreateDirectory(Path.Combine(_directory, "out")).FullName;
        File.WriteAllBytes(_input, Photo(width, height));
        Console.WriteLine($"// {Size}: {new FileInfo(_input).Length:N0} bytes of JPEG (quality 90)");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public ProcessedImage Process() => _processor.Process(_input, _output, _policy, CancellationToken.None);

    /// <summary>A photo-like JPEG: diagonal colour gradients plus noise of ±12 per channel.</summary>
    private static byte[] Photo(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var random = new Random(42);
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 4;
                pixels[i] = Clamp((255 * x / width) + random.Next(-12, 13));
                pixels[i + 1] = Clamp((255 * y / height) + random.Next(-12, 13));
                pixels[i + 2] = Clamp((255 * (x + y) / (width + height)) + random.Next(-12, 13));
                pixels[i + 3] = 255;
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
