namespace Roost.Core.Media;

/// <summary>The keys Roost writes under; all lower-case ASCII (see <see cref="IBlobStore"/>).</summary>
public static class BlobKeys
{
    /// <summary>Content address of finished bytes: <c>blobs/{first two hex}/{sha-256 hex}</c> (a fan-out that keeps directories small).</summary>
    public static string ForContent(string sha256Hex) => $"blobs/{sha256Hex[..2]}/{sha256Hex}";

    /// <summary>
    /// A fresh key for a chunk of an upload that starts at <paramref name="offset"/>. Random in part: two requests racing
    /// for the same offset never write the same object, so the one the store refuses cannot spoil the one it counts.
    /// </summary>
    public static string ForChunk(string uploadId, long offset) =>
        $"staging/{uploadId.ToLowerInvariant()}/{offset:D15}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}";

    /// <summary>True for keys made by this class: the only ones a store accepts (no traversal, no user text).</summary>
    public static bool IsValid(string key)
    {
        if (key.Length is 0 or > 200 || key[0] == '/' || key.Contains("..", StringComparison.Ordinal) || key.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '/' or '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
