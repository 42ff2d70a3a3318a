using System.Text;
using System.Text.Unicode;

namespace Roost.Core.Media;

/// <summary>The tus <c>Upload-Metadata</c> header: comma-separated <c>key base64value</c> pairs.</summary>
public static class TusMetadata
{
    /// <summary>Far above what a client sends (a file name and a type); bounds the work and the stored row.</summary>
    public const int MaxHeaderLength = 4096;

    public const int MaxPairs = 32;

    /// <summary>
    /// Reads the header (absent or empty: no pairs). False, with <paramref name="error"/> saying why, for a key that is
    /// empty, repeated or not visible ASCII, a value that is not strict Base64 of UTF-8 text without control
    /// characters, or a header past the bounds above.
    /// </summary>
    public static bool TryParse(string? header, out IReadOnlyDictionary<string, string> values, out string? error)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        values = result;
        error = null;
        if (string.IsNullOrEmpty(header))
        {
            return true;
        }

        if (header.Length > MaxHeaderLength)
        {
            return Fail($"Upload-Metadata is longer than {MaxHeaderLength} characters.", out error);
        }

        var pairs = header.Split(',');
        if (pairs.Length > MaxPairs)
        {
            return Fail($"Upload-Metadata has more than {MaxPairs} pairs.", out error);
        }

        foreach (var pair in pairs)
        {
            var parts = pair.Trim(' ').Split(' ');
            if (parts.Length > 2)
            {
                return Fail("An Upload-Metadata pair is a key and a Base64 value separated by one space.", out error);
            }

            var key = parts[0];
            if (!IsValidKey(key))
            {
                return Fail("Upload-Metadata keys are non-empty ASCII without spaces or commas.", out error);
            }

            if (result.ContainsKey(key))
            {
                return Fail($"Upload-Metadata repeats the key '{key}'.", out error);
            }

            var encoded = parts.Length == 2 ? parts[1] : "";
            if (!StrictBase64.TryDecode(encoded, out var bytes) || !Utf8.IsValid(bytes))
            {
                return Fail($"The Upload-Metadata value of '{key}' is not Base64 of UTF-8 text.", out error);
            }

            var value = Encoding.UTF8.GetString(bytes);
            if (value.Any(char.IsControl))
            {
                return Fail($"The Upload-Metadata value of '{key}' contains control characters.", out error);
            }

            result[key] = value;
        }

        return true;
    }

    /// <summary>The header for <paramref name="values"/>, keys in ordinal order (a stable answer); an empty value is sent as the key alone.</summary>
    public static string Format(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var pairs = new List<string>(values.Count);
        foreach (var (key, value) in values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!IsValidKey(key))
            {
                throw new ArgumentException($"'{key}' cannot be an Upload-Metadata key.", nameof(values));
            }

            pairs.Add(value.Length == 0 ? key : $"{key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}");
        }

        return string.Join(',', pairs);
    }

    private static bool IsValidKey(string key) => key.Length > 0 && key.All(c => c is > ' ' and < '\u007f' and not ',');

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
