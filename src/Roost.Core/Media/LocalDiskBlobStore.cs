using System.Buffers;
using Roost.Core.Storage;

namespace Roost.Core.Media;

/// <summary>
/// Blobs as files under one directory (a single node's store): owner-only like the rest of the data directory, and
/// written to a temp file that is flushed to disk and then renamed, so a reader never sees a partial object.
/// </summary>
public sealed class LocalDiskBlobStore(string rootDirectory) : IBlobStore
{
    private const int BufferSize = 81920;

    /// <summary>Upload chunks live in one directory per upload, emptied (and then removed) when the upload is done.</summary>
    private const string StagingPrefix = "staging/";

    private readonly string _root = Path.GetFullPath(rootDirectory);

    public string Kind => "local";

    public bool IsShared => false;

    public async Task PutAsync(string key, Stream content, long length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var path = PathFor(key);
        var directory = Path.GetDirectoryName(path)!;

        // '~' is never in a key, so a temp file cannot be mistaken for (or collide with) an object.
        var temp = Path.Combine(directory, $"{Path.GetFileName(path)}.~{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = CreateTempFile(directory, temp))
            {
                await CopyExactlyAsync(content, file, length, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            // The new name must be durable too before the caller acknowledges anything (a tus offset).
            DirectoryDurability.Flush(directory);
        }
        catch
        {
            DeleteFile(temp);
            throw;
        }
    }

    /// <summary>
    /// Moves the file next to its key under a temporary name (a rename on the same file system; a copy only if the
    /// temporary folder is on another one), flushes it, and renames it into place: no second copy of the bytes.
    /// </summary>
    public Task PutFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        var target = PathFor(key);
        var directory = Path.GetDirectoryName(target)!;
        var temp = Path.Combine(directory, $"{Path.GetFileName(target)}.~{Guid.NewGuid():N}.tmp");
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                CreateDirectory(directory);
                try
                {
                    File.Move(path, temp);
                    break;
                }
                catch (DirectoryNotFoundException) when (attempt < 3 && File.Exists(path))
                {
                    // The folder went between creating and moving (see CreateTempFile): make it again.
                }
            }

            if (!OperatingSystem.IsWindows())
            {
                // Whoever made the file, the stored object is the server's only.
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            using (var file = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1))
            {
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
            DirectoryDurability.Flush(directory);
            return Task.CompletedTask;
        }
        catch
        {
            DeleteFile(temp);
            DeleteFile(path);
            throw;
        }
    }

    public Task<long?> GetLengthAsync(string key, CancellationToken cancellationToken)
    {
        var info = new FileInfo(PathFor(key));
        return Task.FromResult(info.Exists ? info.Length : (long?)null);
    }

    public Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is { } requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(requested, nameof(length));
        }

        FileStream file;
        try
        {
            file = new FileStream(PathFor(key), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                BufferSize = BufferSize,
            });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(key);
        }

        if (offset == 0 && length is null)
        {
            return Task.FromResult<Stream>(file);
        }

        // Seeking keeps the file seekable, so the bounded view is too.
        var start = Math.Min(offset, file.Length);
        file.Seek(start, SeekOrigin.Begin);
        return Task.FromResult<Stream>(new BoundedReadStream(file, length ?? file.Length - start));
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        DeleteFile(path);
        if (key.StartsWith(StagingPrefix, StringComparison.Ordinal))
        {
            RemoveEmptyDirectories(Path.GetDirectoryName(path)!, Path.Combine(_root, StagingPrefix.TrimEnd('/')));
        }

        return Task.CompletedTask;
    }

    public Uri? GetDirectUrl(string key, TimeSpan lifetime, string contentType, string contentDisposition) => null;

    public string? GetLocalPath(string key) => PathFor(key);

    /// <summary>The key's file; refuses any key Roost would not make and any path that would leave the root.</summary>
    private string PathFor(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!BlobKeys.IsValid(key))
        {
            throw new ArgumentException($"'{key}' is not a valid blob key.", nameof(key));
        }

        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(Path.TrimEndingDirectorySeparator(_root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' leaves the blob directory.", nameof(key));
        }

        return path;
    }

    /// <summary>
    /// Creates the missing directories one level at a time: Directory.CreateDirectory applies a Unix mode to the last
    /// level only, leaving new parents at the umask's (often world-readable) default.
    /// </summary>
    private static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        if (Directory.Exists(directory))
        {
            return;
        }

        var parent = Path.GetDirectoryName(directory);
        if (parent is not null)
        {
            CreateDirectory(parent);
        }

        Directory.CreateDirectory(directory, PrivateFiles.DirectoryMode);
        if (parent is not null)
        {
            // The new folder's own name lives in its parent.
            DirectoryDurability.Flush(parent);
        }
    }

    /// <summary>
    /// Creates the directories and the temp file; once more if the directory vanished in between (a delete of the
    /// upload's last chunk removes its now-empty staging directory).
    /// </summary>
    private static FileStream CreateTempFile(string directory, string temp)
    {
        for (var attempt = 1; ; attempt++)
        {
            CreateDirectory(directory);
            try
            {
                return new FileStream(temp, WriteOptions());
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
            }
        }
    }

    private static FileStreamOptions WriteOptions()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Options = FileOptions.Asynchronous,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFiles.FileMode;
        }

        return options;
    }

    /// <summary>File.Delete ignores a missing file but not a missing directory; neither is an error here.</summary>
    private static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>
    /// Removes <paramref name="directory"/> and its parents up to (not including) <paramref name="stop"/> while they
    /// are empty. Best effort: a directory that is not empty, or that a concurrent write is filling, stays.
    /// </summary>
    private static void RemoveEmptyDirectories(string directory, string stop)
    {
        while (directory.Length > stop.Length && directory.StartsWith(stop + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            try
            {
                // Not recursive: fails, leaving it, unless it is empty at that instant.
                Directory.Delete(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }

            directory = Path.GetDirectoryName(directory)!;
        }
    }

    /// <summary>Copies <paramref name="length"/> bytes and checks the source has no more: a wrong length is the caller's bug, never stored.</summary>
    private static async Task CopyExactlyAsync(Stream source, Stream destination, long length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var remaining = length;
            while (remaining > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"The content ended after {length - remaining} of {length} bytes.");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                remaining -= read;
            }

            if (await source.ReadAsync(buffer.AsMemory(0, 1), cancellationToken) != 0)
            {
                throw new IOException($"The content is longer than {length} bytes.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
