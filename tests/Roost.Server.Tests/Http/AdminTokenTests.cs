using System.Net;
using System.Text;
using System.Text.Json;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Http;

/// <summary>The admin token is checked before anything else of an admin request, its body included.</summary>
public sealed class AdminTokenTests
{
    [Theory]
    [InlineData("{not json", "application/json")]
    [InlineData("resolution=dismissed", "application/x-www-form-urlencoded")]
    public async Task Without_the_token_a_malformed_admin_request_gets_401_not_a_binding_error(string body, string contentType)
    {
        await using var instance = await RoostInstance.StartAsync(new Dictionary<string, string> { ["Roost:Admin:Token"] = "the-admin-token-for-these-tests" });
        using var http = instance.CreateHttpClient();

        using var response = await http.PostAsync(new Uri("/v1/admin/reports/1/resolve", UriKind.Relative), new StringContent(body, Encoding.UTF8, contentType)).DefaultTimeout();
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", problem.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task With_no_admin_token_configured_every_admin_route_is_404_whatever_the_body()
    {
        await using var instance = await RoostInstance.StartAsync();
        using var http = instance.CreateHttpClient();

        using var response = await http.PostAsync(new Uri("/v1/admin/reports/1/resolve", UriKind.Relative), new StringContent("{not json", Encoding.UTF8, "application/json")).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
