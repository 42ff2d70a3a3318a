using System.Net;
using System.Text.Json;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Hosting;

public sealed class HealthAndOpenApiTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task A_started_instance_is_alive_and_ready(string path)
    {
        using var http = Instance.CreateHttpClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task The_openapi_document_describes_every_v1_endpoint_and_the_bearer_scheme()
    {
        using var http = Instance.CreateHttpClient();

        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)).DefaultTimeout());

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "/v1/accounts", "/v1/sessions", "/v1/sessions/current", "/v1/devices", "/v1/devices/{deviceId}",
                "/v1/account", "/v1/account/profile", "/v1/account/password", "/v1/account/delete", "/v1/users/{username}",
            },
            paths);
        Assert.True(document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));
    }
}
