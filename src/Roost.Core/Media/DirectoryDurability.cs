using System.Runtime.InteropServices;

namespace Roost.Core.Media;

/// <summary>
/// fsync of a directory, so a rename or a new entry in it survives a power cut: a file's own fsync does not cover the
/// name that points at it. .NET cannot open a directory as a file, hence libc; a no-op on Windows, where NTFS journals
/// names with the file.
/// </summary>
internal static partial class DirectoryDurability
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on Linux (x64 and arm64)
    private const int CloseOnExec = 0x80000; // O_CLOEXEC

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var descriptor = Open(directory, ReadOnly | Directory | CloseOnExec);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
