using System.Security.Cryptography;

namespace Roost.Core.Media;

/// <summary>
/// Media ids: 128 random bits as 32 lower-case hex digits. Unguessable (so a URL leaks nothing by enumeration), though
/// every read is still authorized; lower-case so an id is also a valid blob key segment.
/// </summary>
public static class MediaIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsValid(string? id) => id is { Length: 32 } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
