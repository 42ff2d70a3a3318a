namespace Roost.Core.Media;

/// <summary>
/// Reads a video's size and an audio or video file's duration from its container, for clients to lay out and label
/// media before fetching it. Bounded on any input: one 64 KiB buffer, a cap on boxes and frames walked, and nulls
/// (never an exception) for malformed files; only the stream's own errors propagate.
/// </summary>
public static class MediaProbe
{
    /// <summary>
    /// The details of <paramref name="seekable"/>, already sniffed as <paramref name="type"/>. Images and documents
    /// give all nulls: images are measured by the image processor.
    /// </summary>
    public static MediaDetails Probe(Stream seekable, MediaType type)
    {
        ArgumentNullException.ThrowIfNull(seekable);
        ArgumentNullException.ThrowIfNull(type);
        if (!seekable.CanRead || !seekable.CanSeek)
        {
            throw new ArgumentException("Probing needs a readable, seekable stream.", nameof(seekable));
        }

        if (Is(type, MediaTypes.Mp4) || Is(type, MediaTypes.QuickTime) || Is(type, MediaTypes.M4a))
        {
            return IsoBmffProbe.Probe(new StreamWindow(seekable));
        }

        if (Is(type, MediaTypes.Ogg))
        {
            return OggProbe.Probe(new StreamWindow(seekable));
        }

        return Is(type, MediaTypes.Aac) ? AdtsProbe.Probe(new StreamWindow(seekable)) : MediaDetails.Unknown;
    }

    /// <summary>By content type: a record's equality would also compare the extension arrays by reference.</summary>
    private static bool Is(MediaType type, MediaType known) => string.Equals(type.ContentType, known.ContentType, StringComparison.OrdinalIgnoreCase);
}
