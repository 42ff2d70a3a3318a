using System.Net;
using System.Net.Http.Headers;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Sessions;

public sealed class SessionTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_login_creates_a_device_that_lists_itself_as_current()
    {
        var (client, username, login) = await Instance.RegisterAndLoginAsync(deviceName: "Ada's laptop");
        using var _ = client;

        var devices = await client.GetDevicesAsync().DefaultTimeout();

        var device = Assert.Single(devices);
        Assert.Equal(login.DeviceId!.Value, device.Id);
        Assert.Equal(("Ada's laptop", "tests", "password", "127.0.0.1", true), (device.Name, device.Platform, device.VerifiedBy, device.LastIp, device.Current));
        Assert.Equal(username, login.Username);
        Assert.StartsWith("roost_", login.Token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logging_in_works_with_the_username_in_any_case()
    {
        var (client, username, _) = await Instance.RegisterAndLoginAsync();
        using var _ = client;

        var (other, login) = await Instance.LoginAsync(username.ToUpperInvariant());
        using var _o = other;

        Assert.Equal(username, login.Username);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_fail_alike()
    {
        var (client, username, _) = await Instance.RegisterAndLoginAsync();
        using var _ = client;

        var wrong = await Instance.LoginAsync(username, "not the password").ShouldFailAsync("invalid_credentials");
        var unknown = await Instance.LoginAsync("nobody_" + Guid.NewGuid().ToString("N")[..8]).ShouldFailAsync("invalid_credentials");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal((wrong.Status, wrong.Title, wrong.Detail), (unknown.Status, unknown.Title, unknown.Detail));
    }

    [Fact]
    public async Task Logging_out_revokes_the_token_at_once_and_only_that_token()
    {
        var (phone, username, _) = await Instance.RegisterAndLoginAsync();
        var (laptop, _) = await Instance.LoginAsync(username);
        using var _p = phone;
        using var _l = laptop;
        var token = phone.AccessToken;

        await phone.LogoutAsync().DefaultTimeout();

        phone.AccessToken = token;
        await phone.GetDevicesAsync().ShouldFailAsync("unauthorized");
        Assert.Single(await laptop.GetDevicesAsync().DefaultTimeout());
    }

    [Fact]
    public async Task Revoking_a_device_signs_it_out_at_once()
    {
        var (phone, username, _) = await Instance.RegisterAndLoginAsync(deviceName: "phone");
        var (laptop, laptopLogin) = await Instance.LoginAsync(username, deviceName: "laptop");
        using var _p = phone;
        using var _l = laptop;
        Assert.Equal(2, (await phone.GetDevicesAsync().DefaultTimeout()).Count);

        await phone.RevokeDeviceAsync(laptopLogin.DeviceId!.Value).DefaultTimeout();

        await laptop.GetAccountAsync().ShouldFailAsync("unauthorized");
        Assert.DoesNotContain(laptopLogin.DeviceId!.Value, (await phone.GetDevicesAsync().DefaultTimeout()).Select(d => d.Id));
        await phone.RevokeDeviceAsync(laptopLogin.DeviceId!.Value).ShouldFailAsync("not_found");
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("roost_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Missing_malformed_and_unknown_tokens_are_refused_with_problem_json(string token)
    {
        using var http = Instance.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/devices");
        if (token.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"unauthorized\"", await response.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fresh_random_token_is_refused()
    {
        using var client = Instance.CreateClient();
        client.AccessToken = Roost.Core.Sessions.SessionToken.Create();

        await client.GetAccountAsync().ShouldFailAsync("unauthorized");
    }
}
