namespace Roost.Core.Media;

/// <summary>Whether sniffed content may be kept, given what the client declared and how it named the file.</summary>
public static class MediaTypeRules
{
    /// <summary>Names clients and libraries commonly send for a type Roost knows under another.</summary>
    private static readonly Dictionary<string, MediaType> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/jpg"] = MediaTypes.Jpeg,
        ["image/pjpeg"] = MediaTypes.Jpeg,
        ["audio/opus"] = MediaTypes.Ogg,
        ["application/ogg"] = MediaTypes.Ogg,
        ["audio/x-aac"] = MediaTypes.Aac,
        ["audio/x-m4a"] = MediaTypes.M4a,
        ["video/x-m4v"] = MediaTypes.Mp4,
    };

    /// <summary>
    /// Null when the content may be kept, else <see cref="MediaErrorCodes.TypeNotAllowed"/> (unknown content, or a
    /// type off the allow-list) or <see cref="MediaErrorCodes.TypeMismatch"/> (a declared type or extension Roost knows
    /// that names another family: a PNG called <c>.pdf</c> would be opened by the wrong program). Declared types and
    /// extensions Roost does not know are ignored, so <c>application/octet-stream</c> leaves the decision to the content.
    /// </summary>
    public static string? Check(MediaType? sniffed, string? declaredType, string? fileName, IReadOnlyCollection<string> allowedContentTypes)
    {
        ArgumentNullException.ThrowIfNull(allowedContentTypes);
        if (sniffed is null || !allowedContentTypes.Contains(sniffed.ContentType, StringComparer.OrdinalIgnoreCase))
        {
            return MediaErrorCodes.TypeNotAllowed;
        }

        if (FromDeclared(declaredType) is { } declared && !SameFamily(declared, sniffed))
        {
            return MediaErrorCodes.TypeMismatch;
        }

        return MediaTypes.FromFileName(fileName) is { } named && !SameFamily(named, sniffed) ? MediaErrorCodes.TypeMismatch : null;
    }

    private static MediaType? FromDeclared(string? declaredType)
    {
        if (MediaTypes.FromContentType(declaredType) is { } known)
        {
            return known;
        }

        var bare = declaredType?.Split(';', 2)[0].Trim() ?? "";
        return Aliases.GetValueOrDefault(bare);
    }

    /// <summary>MP4, QuickTime and M4A are one container, and tools label it loosely; every other type is its own family.</summary>
    private static bool SameFamily(MediaType a, MediaType b) =>
        string.Equals(a.ContentType, b.ContentType, StringComparison.OrdinalIgnoreCase) || (IsIsoBmff(a) && IsIsoBmff(b));

    private static bool IsIsoBmff(MediaType type) =>
        type.ContentType.Equals(MediaTypes.Mp4.ContentType, StringComparison.OrdinalIgnoreCase)
        || type.ContentType.Equals(MediaTypes.QuickTime.ContentType, StringComparison.OrdinalIgnoreCase)
        || type.ContentType.Equals(MediaTypes.M4a.ContentType, StringComparison.OrdinalIgnoreCase);
}
