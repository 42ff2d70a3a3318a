namespace Roost.Core.Storage;

/// <summary>
/// The data directory holds every message, phone number and key, so it is private to the server's user: created
/// 0700, its files 0600, and an existing one that others can read is refused (unless an operator allows it).
/// The umask does not decide this: under the common 022 it would leave the database readable by every local user.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode OthersMask =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Options that create a new file for asynchronous writing, readable by the owner only.</summary>
    public static FileStreamOptions NewFile()
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return options;
    }

    /// <summary>Creates <paramref name="directory"/> (and missing parents of it) owner-only, or checks the existing one.</summary>
    public static void EnsureDirectory(string directory, bool allowShared)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }

        // Checked even right after creating it: another process may have made it first, with its own mode.
        Check(directory, File.GetUnixFileMode(directory), "directory", allowShared,
            $"chmod 700 '{directory}'");
    }

    /// <summary>Checks that an existing file is readable by its owner only; a missing file is fine.</summary>
    public static void CheckFile(string path, bool allowShared)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return;
        }

        Check(path, File.GetUnixFileMode(path), "file", allowShared, $"chmod 600 '{path}'");
    }

    /// <summary>Creates an empty file owner-only unless it exists (SQLite then keeps its mode for the WAL and shared-memory files).</summary>
    public static void CreateIfMissing(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = FileMode,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; its mode is checked like any existing file.
        }
    }

    /// <summary>True when group or others have any permission on <paramref name="mode"/>.</summary>
    private static bool IsShared(UnixFileMode mode) => (mode & OthersMask) != 0;

    private static void Check(string path, UnixFileMode mode, string what, bool allowShared, string fix)
    {
        if (IsShared(mode) && !allowShared)
        {
            throw new UnsafeDataDirectoryException(
                $"The data {what} {path} is accessible to other users (mode {Convert.ToString((int)mode, 8)}). " +
                $"Run: {fix}, or set Roost:Storage:AllowSharedDataDirectory=true if that is intended.");
        }
    }
}
