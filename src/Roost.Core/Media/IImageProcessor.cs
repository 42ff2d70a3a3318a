namespace Roost.Core.Media;

/// <summary>
/// Decodes, cleans and shrinks images (an adapter over an image library). Every method reads from and writes to files,
/// so memory stays bounded by the pixel cap rather than by the upload's size.
/// </summary>
public interface IImageProcessor
{
    /// <summary>The image's header only (no pixel is decoded), or null when the file is not an image this processor decodes.</summary>
    ImageHeader? ReadHeader(string path);

    /// <summary>
    /// Checks the header against <see cref="ImagePolicy.MaxPixels"/> before decoding anything, then decodes, applies the
    /// EXIF orientation to the pixels, and writes into <paramref name="outputDirectory"/> a re-encoded copy without any
    /// metadata (no EXIF, GPS, XMP, IPTC or comments), one thumbnail per size in <see cref="ImagePolicy.ThumbnailSizes"/>
    /// (fitting a square of that size, aspect kept, never enlarged) and a blurhash placeholder.
    /// Throws <see cref="ImageRejectedException"/> for an image it must not keep.
    /// </summary>
    ProcessedImage Process(string path, string outputDirectory, ImagePolicy policy, CancellationToken cancellationToken);
}

/// <summary>What the header says. <see cref="Width"/> and <see cref="Height"/> are as displayed (after EXIF orientation).</summary>
public sealed record ImageHeader(string ContentType, int Width, int Height);

public sealed record ImagePolicy(long MaxPixels, IReadOnlyList<int> ThumbnailSizes, int JpegQuality = 85, int ThumbnailQuality = 80);

/// <summary>The cleaned full-size image (<see cref="Path"/>) and its derived files; every path is inside the output directory.</summary>
public sealed record ProcessedImage(string Path, string ContentType, int Width, int Height, IReadOnlyList<ProcessedThumbnail> Thumbnails, string Placeholder);

/// <summary>A thumbnail that fits a <see cref="Size"/>×<see cref="Size"/> square.</summary>
public sealed record ProcessedThumbnail(int Size, string Path, string ContentType, int Width, int Height);

/// <summary>An image refused by the processor; <see cref="Code"/> is one of <see cref="MediaErrorCodes"/>.</summary>
public sealed class ImageRejectedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
