using Microsoft.Extensions.DependencyInjection;
using Roost.Core.Identity;
using Roost.Core.Storage;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Hosting;

/// <summary>The data folder holds every message and phone number: it is private to the server's user, whatever the umask.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataDirectoryTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task A_new_data_folder_is_0700_and_the_database_wal_and_key_files_are_0600()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions.");
        using var parent = new TempDirectory();
        var data = Path.Combine(parent.Path, "fresh", "data");

        await using (var host = RoostHost.Create(Arguments(data), environmentName: "Testing"))
        {
            await host.StartAsync().DefaultTimeout();
            host.Services.GetRequiredService<SecretProtector>();
            using var client = new Client.RoostClient(host.Addresses.Single());
            await client.RegisterAsync("private_files", UserHelpers.Password).DefaultTimeout();

            Assert.Equal(Private, File.GetUnixFileMode(data));
            foreach (var file in new[] { "roost.db", "roost.db-wal", "roost.db-shm", "identity.key" })
            {
                Assert.Equal(PrivateFile, File.GetUnixFileMode(Path.Combine(data, file)));
            }
        }
    }

    [Fact]
    public async Task An_existing_data_folder_that_others_can_read_is_refused_unless_allowed()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions.");
        using var data = new TempDirectory();
        File.SetUnixFileMode(data.Path, Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await using (var refused = RoostHost.Create(Arguments(data.Path), environmentName: "Testing"))
        {
            var failure = await Assert.ThrowsAsync<UnsafeDataDirectoryException>(() => refused.StartAsync()).DefaultTimeout();
            Assert.Contains("chmod 700", failure.Message, StringComparison.Ordinal);
            Assert.Contains("AllowSharedDataDirectory", failure.Message, StringComparison.Ordinal);
        }

        await using var allowed = RoostHost.Create([.. Arguments(data.Path), "--Roost:Storage:AllowSharedDataDirectory=true"], environmentName: "Testing");
        await allowed.StartAsync().DefaultTimeout();
    }

    [Fact]
    public async Task A_database_file_that_others_can_read_is_refused()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions.");
        using var data = new TempDirectory();
        await using (var first = await RoostInstance.StartInAsync(data, RoostInstance.SqliteOnly))
        {
        }

        File.SetUnixFileMode(Path.Combine(data.Path, "roost.db"), PrivateFile | UnixFileMode.OtherRead);

        await using var host = RoostHost.Create(Arguments(data.Path), environmentName: "Testing");
        var failure = await Assert.ThrowsAsync<UnsafeDataDirectoryException>(() => host.StartAsync()).DefaultTimeout();
        Assert.Contains("chmod 600", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_binary_refuses_an_unsafe_data_folder_with_exit_code_4()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions.");
        using var data = new TempDirectory();
        File.SetUnixFileMode(data.Path, Private | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await using var server = ServerProcess.Start(data.Path);

        Assert.Equal(4, await server.WaitForExitAsync());
        Assert.Contains("is accessible to other users", server.Output, StringComparison.Ordinal);
    }

    private static string[] Arguments(string dataDirectory) =>
        [.. RoostInstance.DefaultSettings.Select(s => $"--{s.Key}={s.Value}"), $"--Roost:Storage:DataDirectory={dataDirectory}"];
}
