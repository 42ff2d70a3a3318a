using Roost.Core.Media;
using SkiaSharp;

namespace Roost.Media.Imaging;

/// <summary>
/// Images through SkiaSharp: the header (format, size, orientation) is read without decoding, so the pixel cap is
/// checked before any pixel buffer exists; decode buffers are then bounded by MaxPixels × 4 bytes. Skia's encoders
/// write no metadata, so a re-encoded copy carries no EXIF, GPS, XMP or comments. Chosen over NetVips: MIT all the way
/// down, no system library to install, and a faster decode-to-thumbnail here (docs/ARCHITECTURE.md "Media").
/// </summary>
public sealed class SkiaImageProcessor : IImageProcessor
{
    private const int PlaceholderSide = 32;

    public ImageHeader? ReadHeader(string path)
    {
        using var codec = SKCodec.Create(path);
        if (codec is null || ContentTypeOf(codec.EncodedFormat) is not { } type)
        {
            return null;
        }

        var swap = ImageOrientation.SwapsSides(codec.EncodedOrigin);
        return new ImageHeader(type, swap ? codec.Info.Height : codec.Info.Width, swap ? codec.Info.Width : codec.Info.Height);
    }

    public ProcessedImage Process(string path, string outputDirectory, ImagePolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var codec = SKCodec.Create(path) ?? throw Undecodable();
        var type = ContentTypeOf(codec.EncodedFormat) ?? throw Undecodable();
        if ((long)codec.Info.Width * codec.Info.Height > policy.MaxPixels)
        {
            throw new ImageRejectedException(MediaErrorCodes.ImageTooLarge, $"The image has {(long)codec.Info.Width * codec.Info.Height} pixels; at most {policy.MaxPixels} are allowed.");
        }

        var opaque = codec.Info.AlphaType == SKAlphaType.Opaque;
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        using var decoded = new SKBitmap(info);
        if (codec.GetPixels(info, decoded.GetPixels()) != SKCodecResult.Success)
        {
            throw Undecodable();
        }

        cancellationToken.ThrowIfCancellationRequested();
        var upright = ImageOrientation.Apply(decoded, codec.EncodedOrigin);
        try
        {
            var full = Path.Combine(outputDirectory, "full" + Extension(type));
            if (codec.EncodedFormat == SKEncodedImageFormat.Gif)
            {
                // Skia cannot write GIF; the server's GifMetadataStripper has already dropped its comments and foreign extensions.
                File.Copy(path, full);
            }
            else
            {
                Write(upright, full, codec.EncodedFormat, policy.JpegQuality);
            }

            var thumbnails = new List<ProcessedThumbnail>();
            foreach (var size in policy.ThumbnailSizes.Distinct().Order())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (width, height) = Fit(upright.Width, upright.Height, size);
                using var small = upright.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, upright.AlphaType), new SKSamplingOptions(SKCubicResampler.Mitchell));
                var format = opaque ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png;
                var thumbnail = Path.Combine(outputDirectory, $"thumb-{size}" + (opaque ? ".jpg" : ".png"));
                Write(small, thumbnail, format, policy.ThumbnailQuality);
                thumbnails.Add(new ProcessedThumbnail(size, thumbnail, opaque ? "image/jpeg" : "image/png", width, height));
            }

            return new ProcessedImage(full, type, upright.Width, upright.Height, thumbnails, Placeholder(upright));
        }
        finally
        {
            if (!ReferenceEquals(upright, decoded))
            {
                upright.Dispose();
            }
        }
    }

    private static string Placeholder(SKBitmap image)
    {
        var (width, height) = Fit(image.Width, image.Height, PlaceholderSide);
        using var small = image.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear));
        var portrait = height > width;
        return Blurhash.Encode(small.GetPixelSpan(), width, height, portrait ? 3 : 4, portrait ? 4 : 3);
    }

    /// <summary>Fits a box of <paramref name="side"/>, aspect kept, never enlarged, at least one pixel.</summary>
    internal static (int Width, int Height) Fit(int width, int height, int side)
    {
        var scale = Math.Min(1.0, Math.Min((double)side / width, (double)side / height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static void Write(SKBitmap bitmap, string path, SKEncodedImageFormat format, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality) ?? throw new InvalidOperationException($"Skia could not encode {format}.");
        using var file = File.Create(path);
        data.SaveTo(file);
        file.Flush(flushToDisk: true);
    }

    private static string? ContentTypeOf(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => MediaTypes.Jpeg.ContentType,
        SKEncodedImageFormat.Png => MediaTypes.Png.ContentType,
        SKEncodedImageFormat.Webp => MediaTypes.WebP.ContentType,
        SKEncodedImageFormat.Gif => MediaTypes.Gif.ContentType,
        _ => null,
    };

    private static string Extension(string type) => type switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/webp" => ".webp",
        _ => ".gif",
    };

    private static ImageRejectedException Undecodable() => new(MediaErrorCodes.Undecodable, "The file cannot be decoded as an image.");
}
