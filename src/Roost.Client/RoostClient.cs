using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Roost.Protocol;
using Roost.Protocol.Rest;

namespace Roost.Client;

/// <summary>
/// A client for one Roost server's REST API. After <see cref="LoginAsync"/> it sends the token on every call.
/// Errors come back as <see cref="RoostApiException"/> carrying the server's problem code. Not thread-safe
/// for changes of <see cref="AccessToken"/>; calls themselves may run concurrently.
/// </summary>
public sealed partial class RoostClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    public RoostClient(Uri baseAddress)
        : this(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) }, ownsHttpClient: true)
    {
    }

    public RoostClient(HttpClient http, bool ownsHttpClient = false)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _ownsHttp = ownsHttpClient;
    }

    public Uri? BaseAddress => _http.BaseAddress;

    /// <summary>The bearer token sent with each request; set by <see cref="LoginAsync"/>, cleared by <see cref="LogoutAsync"/>.</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// This device's key: kept from each log-in that returns one and sent on the next <see cref="LoginAsync"/>, so a
    /// lockout caused by someone else's wrong passwords does not keep this device out. Persist it beside the token.
    /// </summary>
    public string? DeviceKey { get; set; }

    /// <summary>The operator token for the admin API (sent as X-Admin-Token), when set.</summary>
    public string? AdminToken { get; set; }

    public Task<AccountResponse> RegisterAsync(string username, string password, string? displayName = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/accounts", new RegisterRequest(username, password, displayName), RoostJsonContext.Default.RegisterRequest, RoostJsonContext.Default.AccountResponse, cancellationToken);

    /// <summary>Logs in (sending <see cref="DeviceKey"/> when set) and keeps the token and device key for the following calls.</summary>
    public async Task<LoginResponse> LoginAsync(string username, string password, string? deviceName = null, string? platform = null, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Post, "v1/sessions", new LoginRequest(username, password, deviceName, platform, DeviceKey), RoostJsonContext.Default.LoginRequest, RoostJsonContext.Default.LoginResponse, cancellationToken);
        AccessToken = response.Token;
        DeviceKey = response.DeviceKey ?? DeviceKey;
        return response;
    }

    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        await SendAsync(HttpMethod.Delete, "v1/sessions/current", cancellationToken);
        AccessToken = null;
    }

    public async Task<IReadOnlyList<DeviceResponse>> GetDevicesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync(HttpMethod.Get, "v1/devices", RoostJsonContext.Default.DeviceListResponse, cancellationToken)).Devices;

    public Task RevokeDeviceAsync(long deviceId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"v1/devices/{deviceId}", cancellationToken);

    public Task<AccountResponse> GetAccountAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/account", RoostJsonContext.Default.AccountResponse, cancellationToken);

    public Task<AccountResponse> UpdateProfileAsync(string? displayName = null, string? about = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, "v1/account/profile", new UpdateProfileRequest(displayName, about), RoostJsonContext.Default.UpdateProfileRequest, RoostJsonContext.Default.AccountResponse, cancellationToken);

    public Task ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, "v1/account/password", new ChangePasswordRequest(currentPassword, newPassword), RoostJsonContext.Default.ChangePasswordRequest, cancellationToken);

    public async Task DeleteAccountAsync(string password, CancellationToken cancellationToken = default)
    {
        await SendAsync(HttpMethod.Post, "v1/account/delete", new DeleteAccountRequest(password), RoostJsonContext.Default.DeleteAccountRequest, cancellationToken);
        AccessToken = null;
    }

    public Task<UserResponse> GetUserAsync(string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, $"v1/users/{Uri.EscapeDataString(username)}", RoostJsonContext.Default.UserResponse, cancellationToken);

    /// <summary>True when the server is ready to serve (store open, migrations applied).</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri("readyz", UriKind.Relative), cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(method, path);
        request.Content = JsonContent.Create(body, requestType);
        return await ReadAsync(request, responseType, cancellationToken);
    }

    private async Task<TResponse> SendAsync<TResponse>(HttpMethod method, string path, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(method, path);
        return await ReadAsync(request, responseType, cancellationToken);
    }

    private async Task SendAsync<TRequest>(HttpMethod method, string path, TRequest body, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(method, path);
        request.Content = JsonContent.Create(body, requestType);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private async Task SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(method, path);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private async Task<TResponse> ReadAsync<TResponse>(HttpRequestMessage request, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
            ?? throw new RoostApiException($"The server answered {request.Method} {request.RequestUri} with an empty body.");
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (AccessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AccessToken);
        }

        if (AdminToken is not null)
        {
            request.Headers.Add("X-Admin-Token", AdminToken);
        }

        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ProblemResponse? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(RoostJsonContext.Default.ProblemResponse, cancellationToken);
        }
        catch (JsonException)
        {
            // Not a problem body (a proxy's error page, say): report the status alone.
        }
        catch (NotSupportedException)
        {
            // Wrong content type for JSON.
        }

        var retryAfter = response.Headers.RetryAfter?.Delta;
        throw new RoostApiException(
            response.StatusCode,
            problem?.Code ?? "http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
            problem?.Title ?? response.ReasonPhrase,
            problem?.Detail,
            problem?.Errors,
            retryAfter);
    }
}
