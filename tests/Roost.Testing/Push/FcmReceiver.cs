using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Roost.Testing.Push;

/// <summary>
/// A local FCM HTTP v1 and Google OAuth2 token endpoint for one project, over TLS (HTTP/1.1 and HTTP/2): it makes
/// its own service account, issues access tokens for it at <c>/token</c>, and takes <c>messages:send</c> with them.
/// A test scripts errors in FCM's shape and reads back what arrived. Written from the provider side.
/// </summary>
public sealed class FcmReceiver : IAsyncDisposable
{
    private const int MaxBodyBytes = 64 * 1024;

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Arrivals<FcmReceivedMessage> _received = new();
    private readonly List<(string? Token, FcmError Error)> _script = [];
    private WebApplication? _app;
    private FcmTokenIssuer? _issuer;
    private bool _tokenEndpointFailing;

    private FcmReceiver(string projectId, TimeProvider time)
    {
        ProjectId = projectId;
        _time = time;
    }

    public string ProjectId { get; }

    /// <summary>The base URL (<c>https://127.0.0.1:port</c>), for a sender's SendUrl.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The service account the token endpoint trusts; its <c>token_uri</c> is this receiver's <c>/token</c>.</summary>
    public FcmServiceAccount ServiceAccount { get; private set; } = null!;

    /// <summary>Access tokens issued so far.</summary>
    public int TokensIssued => _issuer!.IssuedCount;

    public IReadOnlyList<FcmReceivedMessage> Received => _received.Snapshot();

    /// <param name="time">The clock assertions and access tokens are checked against.</param>
    public static async Task<FcmReceiver> StartAsync(string projectId, TimeProvider time)
    {
        var receiver = new FcmReceiver(projectId, time);
        (receiver._app, receiver.Url) = await ReceiverHost.StartAsync(HttpProtocols.Http1AndHttp2, TestCertificates.Shared.Server, receiver.HandleAsync);
        var tokenUri = new Uri(receiver.Url, "/token");
        receiver.ServiceAccount = FcmServiceAccount.Create(projectId, tokenUri);
        receiver._issuer = new FcmTokenIssuer(receiver.ServiceAccount, tokenUri.ToString(), time);
        return receiver;
    }

    public Task WaitForAsync(int count) => _received.WaitForAsync(count);

    /// <summary>The next valid message for <paramref name="registrationToken"/> (null: any) gets this error. Errors queue in order.</summary>
    public void RespondNext(FcmError error, string? registrationToken = null)
    {
        lock (_gate)
        {
            _script.Add((registrationToken, error));
        }
    }

    /// <summary>Every access token issued so far is refused from now on (401 UNAUTHENTICATED).</summary>
    public void RevokeAccessTokens() => _issuer!.RevokeAll();

    /// <summary>The token endpoint answers 503 until turned off.</summary>
    public void FailTokenEndpoint(bool failing = true)
    {
        lock (_gate)
        {
            _tokenEndpointFailing = failing;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await ReceiverHost.StopAsync(_app);
        }

        _issuer?.Dispose();
    }

    private Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return WriteAsync(context, 405, new FcmError(405, "METHOD_NOT_ALLOWED", "Method not allowed.", null).ToJson());
        }

        if (path == "/token")
        {
            return TokenAsync(context);
        }

        const string prefix = "/v1/projects/", suffix = "/messages:send";
        return path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith(suffix, StringComparison.Ordinal)
            ? SendAsync(context, path[prefix.Length..^suffix.Length])
            : WriteAsync(context, 404, new FcmError(404, "NOT_FOUND", "Requested entity was not found.", null).ToJson());
    }

    private async Task TokenAsync(HttpContext context)
    {
        lock (_gate)
        {
            if (_tokenEndpointFailing)
            {
                context.Response.StatusCode = 503;
                return;
            }
        }

        if (!context.Request.HasFormContentType)
        {
            await WriteAsync(context, 400, new JsonObject { ["error"] = "invalid_request" });
            return;
        }

        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != FcmTokenIssuer.GrantType)
        {
            await WriteAsync(context, 400, new JsonObject { ["error"] = "unsupported_grant_type" });
            return;
        }

        if (_issuer!.Refusal(form["assertion"].ToString()) is { } refusal)
        {
            await WriteAsync(context, 400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = refusal });
            return;
        }

        await WriteAsync(context, 200, new JsonObject
        {
            ["access_token"] = _issuer.Issue(),
            ["expires_in"] = (int)FcmTokenIssuer.Lifetime.TotalSeconds,
            ["token_type"] = "Bearer",
        });
    }

    private async Task SendAsync(HttpContext context, string project)
    {
        const string scheme = "Bearer ";
        var authorization = context.Request.Headers.Authorization.ToString();
        var accessToken = authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? authorization[scheme.Length..].Trim() : "";
        if (!_issuer!.IsValid(accessToken))
        {
            await WriteAsync(context, 401, FcmError.Unauthenticated.ToJson());
            return;
        }

        if (project != ProjectId)
        {
            await WriteAsync(context, 403, new FcmError(403, "PERMISSION_DENIED", "Permission 'cloudmessaging.messages.create' denied on resource.", null).ToJson());
            return;
        }

        var body = await ReceiverHost.ReadBodyAsync(context.Request, MaxBodyBytes);
        JsonNode? parsed;
        try
        {
            parsed = body.Length > MaxBodyBytes ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            parsed = null;
        }

        var error = FcmMessageChecks.Check(parsed, out var message, out var token, out var data) ?? Scripted(token);
        if (error is not null)
        {
            if (error.RetryAfter is { } delay)
            {
                context.Response.Headers.RetryAfter = ((long)delay.TotalSeconds).ToString();
            }

            await WriteAsync(context, error.Code, error.ToJson());
            return;
        }

        _received.Add(new(token, data, (JsonObject)message.DeepClone(), accessToken, _time.GetUtcNow()));
        await WriteAsync(context, 200, new JsonObject { ["name"] = $"projects/{ProjectId}/messages/{Guid.NewGuid():N}" });
    }

    private FcmError? Scripted(string token)
    {
        lock (_gate)
        {
            var index = _script.FindIndex(entry => entry.Token is null || entry.Token == token);
            if (index < 0)
            {
                return null;
            }

            var error = _script[index].Error;
            _script.RemoveAt(index);
            return error;
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body));
    }
}
