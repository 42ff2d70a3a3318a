using Roost.Client;
using Roost.Protocol.Rest;
using Roost.Testing;

namespace Roost.Server.Tests.Infrastructure;

/// <summary>Intent-named steps for tests: register a fresh user, sign in a device.</summary>
public static class UserHelpers
{
    public const string Password = "correct horse battery";

    public static string UniqueUsername(string prefix = "user") => $"{prefix}_{Guid.NewGuid():N}"[..24];

    /// <summary>Registers a new user and returns a client signed in as that user.</summary>
    public static async Task<(RoostClient Client, string Username, LoginResponse Login)> RegisterAndLoginAsync(
        this RoostInstance instance, string? username = null, string deviceName = "test device")
    {
        username ??= UniqueUsername();
        var client = instance.CreateClient();
        await client.RegisterAsync(username, Password).DefaultTimeout();
        var login = await client.LoginAsync(username, Password, deviceName, "tests").DefaultTimeout();
        return (client, username, login);
    }

    /// <summary>Registers <paramref name="count"/> fresh users who never sign in (targets, bystanders); returns their usernames.</summary>
    public static async Task<List<string>> RegisterUsersAsync(this RoostInstance instance, int count)
    {
        using var client = instance.CreateClient();
        var usernames = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var username = UniqueUsername();
            await client.RegisterAsync(username, Password).DefaultTimeout();
            usernames.Add(username);
        }

        return usernames;
    }

    /// <summary>Signs in one more device of an existing user.</summary>
    public static async Task<(RoostClient Client, LoginResponse Login)> LoginAsync(this RoostInstance instance, string username, string password = Password, string deviceName = "another device")
    {
        var client = instance.CreateClient();
        var login = await client.LoginAsync(username, password, deviceName, "tests").DefaultTimeout();
        return (client, login);
    }

    public static async Task<RoostApiException> ShouldFailAsync(this Task task, string expectedCode)
    {
        var failure = await Assert.ThrowsAsync<RoostApiException>(() => task).DefaultTimeout();
        Assert.Equal(expectedCode, failure.Code);
        return failure;
    }
}
