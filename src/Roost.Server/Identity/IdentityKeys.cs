using Roost.Core.Identity;
using Roost.Core.Storage;
using Roost.Server.Options;

namespace Roost.Server.Identity;

/// <summary>
/// The master key behind <see cref="SecretProtector"/>. From configuration when set (required in Production); otherwise
/// generated once into the data folder with owner-only permissions, so a development instance keeps its secrets readable
/// across restarts.
/// </summary>
internal static partial class IdentityKeys
{
    public const string KeyFileName = "identity.key";

    public static SecretProtector CreateProtector(RoostOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Identity.EncryptionKey.Length > 0)
        {
            return new SecretProtector(Convert.FromBase64String(options.Identity.EncryptionKey));
        }

        var path = Path.Combine(Path.GetFullPath(options.Storage.DataDirectory), KeyFileName);
        PrivateFiles.EnsureDirectory(Path.GetDirectoryName(path)!, options.Storage.AllowSharedDataDirectory);
        PrivateFiles.CheckFile(path, options.Storage.AllowSharedDataDirectory);
        if (!File.Exists(path))
        {
            var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new FileStream(path, fileOptions))
            {
                file.Write(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            }

            Log.KeyGenerated(logger, path);
        }

        return new SecretProtector(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6000, Level = LogLevel.Warning, Message = "Generated an identity encryption key at {Path}; set Roost:Identity:EncryptionKey for production")]
        public static partial void KeyGenerated(ILogger logger, string path);
    }
}
