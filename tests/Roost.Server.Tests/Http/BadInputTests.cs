using System.Net;
using System.Text;
using System.Text.Json;
using Roost.Server.Tests.Infrastructure;
using Roost.Testing;

namespace Roost.Server.Tests.Http;

/// <summary>A client mistake gets a 4xx problem+json with a stable code: never a 500, never an empty answer.</summary>
public sealed class BadInputTests(SharedInstance shared) : IClassFixture<SharedInstance>
{
    private RoostInstance Instance => shared.Instance;

    [Theory]
    [InlineData("{\"username\": \"abc\", ", "malformed_json")]
    [InlineData("[1, 2, 3]", "malformed_json")]
    [InlineData("{\"username\": 42, \"password\": \"correct horse\"}", "malformed_json")]
    [InlineData("{\"username\": \"valid_name\", \"password\": \"correct horse\", \"isAdmin\": true}", "malformed_json")]
    [InlineData("", "malformed_request")]
    public async Task Malformed_bodies_are_refused_with_a_code(string body, string code)
    {
        var (status, problem) = await PostAsync("/v1/accounts", body, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_as_unsupported_media()
    {
        var (status, problem) = await PostAsync("/v1/accounts", "username=abc&password=x", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("unsupported_media_type", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_body_in_a_charset_other_than_utf8_is_refused_as_unsupported_media()
    {
        using var http = Instance.CreateHttpClient();
        using var content = new StringContent("{}");
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "bogus" };

        using var response = await http.PostAsync(new Uri("/v1/accounts", UriKind.Relative), content).DefaultTimeout();

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("unsupported_media_type", (await ReadProblemAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_as_too_large()
    {
        var body = $"{{\"username\": \"big\", \"password\": \"{new string('x', 70 * 1024)}\"}}";

        var (status, problem) = await PostAsync("/v1/accounts", body, "application/json");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("payload_too_large", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unknown_route_and_a_wrong_method_answer_in_problem_json()
    {
        using var http = Instance.CreateHttpClient();

        using var missing = await http.GetAsync(new Uri("/v1/no-such-thing", UriKind.Relative)).DefaultTimeout();
        using var wrongMethod = await http.GetAsync(new Uri("/v1/accounts", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not_found", (await ReadProblemAsync(missing)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("method_not_allowed", (await ReadProblemAsync(wrongMethod)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Validation_errors_name_each_field()
    {
        var (status, problem) = await PostAsync("/v1/sessions", "{}", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("username", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task A_non_numeric_device_id_is_not_found_rather_than_an_error()
    {
        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        using var http = Instance.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/v1/devices/abc");
        request.Headers.Authorization = new("Bearer", client.AccessToken);

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task After_bad_requests_the_server_still_serves_good_ones()
    {
        for (var i = 0; i < 5; i++)
        {
            await PostAsync("/v1/accounts", "{{{{", "application/json");
        }

        var (client, _, _) = await Instance.RegisterAndLoginAsync();
        using var _c = client;
        Assert.Single(await client.GetDevicesAsync().DefaultTimeout());
    }

    private async Task<(HttpStatusCode Status, JsonElement Problem)> PostAsync(string path, string body, string contentType)
    {
        using var http = Instance.CreateHttpClient();
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content).DefaultTimeout();
        return (response.StatusCode, await ReadProblemAsync(response));
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        return document.RootElement.Clone();
    }
}
