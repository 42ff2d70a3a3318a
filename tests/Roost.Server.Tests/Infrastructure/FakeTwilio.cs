using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Roost.Server.Tests.Infrastructure;

/// <summary>
/// A local HTTP server on loopback that speaks Twilio's documented wire format: form-encoded POSTs with HTTP basic auth,
/// JSON answers, JSON errors (<c>{"code","message","more_info","status"}</c>). It records every request and can be
/// told to fail, slow down, or answer in any way before its normal answers resume.
/// </summary>
public sealed partial class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string AuthToken = "test-auth-token";
    public const string VerifyServiceSid = "VA00000000000000000000000000000001";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string Body, TimeSpan Delay)> _scripted = new();
    private readonly ConcurrentDictionary<string, string> _verifyCodes = new();

    private FakeTwilio(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    public static async Task<FakeTwilio> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTwilio(app);
        app.MapPost("/2010-04-01/Accounts/{sid}/Messages.json", fake.MessagesAsync);
        app.MapPost("/v2/Services/{sid}/Verifications", fake.VerificationsAsync);
        app.MapPost("/v2/Services/{sid}/VerificationCheck", fake.VerificationCheckAsync);
        await app.StartAsync();
        fake.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return fake;
    }

    /// <summary>The next request gets this answer (after <paramref name="delay"/>), ahead of the normal ones.</summary>
    public void Script(HttpStatusCode status, string? body = null, TimeSpan delay = default) =>
        _scripted.Enqueue(((int)status, body ?? $$"""{"code":{{((int)status == 429 ? 20429 : 20500)}},"message":"scripted failure","more_info":"https://www.twilio.com/docs/errors","status":{{(int)status}}}""", delay));

    /// <summary>The last code sent by the Messages API to <paramref name="phone"/>.</summary>
    public string LastCodeTo(string phone)
    {
        var body = Requests.Reverse().First(r => r.Form.TryGetValue("To", out var to) && to == phone && r.Form.ContainsKey("Body")).Form["Body"];
        return CodeInBody().Match(body).Groups[1].Value;
    }

    /// <summary>What Twilio Verify "sent" to <paramref name="phone"/>.</summary>
    public string VerifyCodeFor(string phone) => _verifyCodes[phone];

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> MessagesAsync(string sid, HttpContext context) =>
        await AnswerAsync(context, sid, AccountSid, () => Results.Json(
            new { sid = "SM" + Guid.NewGuid().ToString("N"), status = "queued" }, statusCode: StatusCodes.Status201Created));

    private async Task<IResult> VerificationsAsync(string sid, HttpContext context) =>
        await AnswerAsync(context, sid, VerifyServiceSid, () =>
        {
            var to = context.Request.Form["To"].ToString();
            _verifyCodes[to] = Random.Shared.Next(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(new { sid = "VE" + Guid.NewGuid().ToString("N"), status = "pending", channel = "sms" }, statusCode: StatusCodes.Status201Created);
        });

    private async Task<IResult> VerificationCheckAsync(string sid, HttpContext context) =>
        await AnswerAsync(context, sid, VerifyServiceSid, () =>
        {
            var to = context.Request.Form["To"].ToString();
            if (!_verifyCodes.TryGetValue(to, out var code))
            {
                return Results.Json(new { code = 20404, message = "The requested resource was not found", status = 404 }, statusCode: StatusCodes.Status404NotFound);
            }

            var approved = context.Request.Form["Code"] == code;
            if (approved)
            {
                _verifyCodes.TryRemove(to, out _);
            }

            return Results.Json(new { sid = "VE1", status = approved ? "approved" : "pending", valid = approved });
        });

    private async Task<IResult> AnswerAsync(HttpContext context, string sid, string expectedSid, Func<IResult> normal)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        Requests.Enqueue(new Recorded(
            context.Request.Path,
            context.Request.Headers.Authorization.ToString(),
            form.ToDictionary(f => f.Key, f => f.Value.ToString())));
        if (_scripted.TryDequeue(out var scripted))
        {
            if (scripted.Delay > TimeSpan.Zero)
            {
                await Task.Delay(scripted.Delay, context.RequestAborted);
            }

            return Results.Text(scripted.Body, "application/json", statusCode: scripted.Status);
        }

        var expectedAuth = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        if (context.Request.Headers.Authorization != expectedAuth)
        {
            return Results.Json(new { code = 20003, message = "Authenticate", status = 401 }, statusCode: StatusCodes.Status401Unauthorized);
        }

        return sid != expectedSid
            ? Results.Json(new { code = 20404, message = "The requested resource was not found", status = 404 }, statusCode: StatusCodes.Status404NotFound)
            : normal();
    }

    [GeneratedRegex(@"code is (\d{6})")]
    private static partial Regex CodeInBody();

    public sealed record Recorded(string Path, string Authorization, Dictionary<string, string> Form);
}
