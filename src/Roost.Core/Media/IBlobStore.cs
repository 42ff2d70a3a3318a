namespace Roost.Core.Media;

/// <summary>
/// Where media bytes live: a directory on local disk (the default) or any S3-compatible store (required when several
/// nodes share the data). Keys are chosen by Roost, never by a user: lower-case letters, digits, '/', '.', '_' and '-'
/// (content addresses like <c>blobs/ab/abcdef…</c> and upload chunks like <c>staging/{upload}/{offset}</c>).
/// </summary>
public interface IBlobStore
{
    /// <summary><c>local</c> or <c>s3</c>: for logs, admin output and the cluster check.</summary>
    string Kind { get; }

    /// <summary>True when every node sees the same objects (S3); a local directory is one node's only.</summary>
    bool IsShared { get; }

    /// <summary>
    /// Writes the whole object from <paramref name="content"/> (exactly <paramref name="length"/> bytes). Readers see
    /// it only once it is complete and durable; writing a key again replaces it (callers only do so with the same bytes).
    /// </summary>
    Task PutAsync(string key, Stream content, long length, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a private temporary file of the server's under <paramref name="key"/> and consumes it (it is gone
    /// afterwards, stored or not). Same guarantees as <see cref="PutAsync"/>; a local store moves the file into place
    /// instead of copying its bytes.
    /// </summary>
    async Task PutFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await PutAsync(key, file, file.Length, cancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The object's length, or null when there is no such object.</summary>
    Task<long?> GetLengthAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Reads <paramref name="length"/> bytes (null: to the end) from <paramref name="offset"/>. Throws
    /// <see cref="BlobNotFoundException"/> when there is no such object.
    /// </summary>
    Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken cancellationToken);

    /// <summary>Removes the object; removing one that is not there is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// A short-lived URL a client may fetch the object from directly (a presigned S3 GET that answers with
    /// <paramref name="contentType"/> and <paramref name="contentDisposition"/>), or null when the store has none.
    /// </summary>
    Uri? GetDirectUrl(string key, TimeSpan lifetime, string contentType, string contentDisposition);

    /// <summary>The file that holds the key when the store is a local directory (served as a file, or by nginx through X-Accel-Redirect), else null.</summary>
    string? GetLocalPath(string key);
}

/// <summary>The blob store has no object under <see cref="Key"/>: a bug or lost data, never a client mistake.</summary>
public sealed class BlobNotFoundException(string key) : Exception($"No blob '{key}' in the media store.")
{
    public string Key { get; } = key;
}
