using System.Net;
using System.Text.Json;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Hosting;

public sealed class HealthAndOpenApiTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Fact]
    public async Task A_started_instance_is_alive()
    {
        using var http = Instance.CreateHttpClient();

        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task A_started_instance_is_ready_and_names_its_engine_and_schema_version()
    {
        using var http = Instance.CreateHttpClient();

        using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches($"^Healthy: store: {Instance.Engine}, schema version [1-9][0-9]*$", await response.Content.ReadAsStringAsync().DefaultTimeout());
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
