using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QRCoder;
using Roost.Core.Accounts;
using Roost.Core.Identity;
using Roost.Protocol.Rest;
using Roost.Server.Auth;
using Roost.Server.Http;
using Roost.Server.RateLimiting;

namespace Roost.Server.Endpoints;

/// <summary>Phone numbers, phone sign-up and sign-in, usernames, and two-factor authentication.</summary>
internal static class IdentityEndpoints
{
    public static void MapIdentityEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapPost("/phone/codes", SendSignInCodeAsync)
            .RequireRateLimiting(RateLimitingSetup.LoginPolicy)
            .WithName("SendPhoneCode")
            .WithSummary("Send a sign-in code by SMS. The answer is the same whether or not the number has an account.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        v1.MapPost("/phone/sessions", PhoneSignInAsync)
            .RequireRateLimiting(RateLimitingSetup.LoginPolicy)
            .WithName("PhoneSignIn")
            .WithSummary("Sign up or in with a number and its code. A new account gets a generated username (usernameRequired).")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        var signedIn = v1.MapGroup("/account").RequireAuthorization();
        signedIn.MapPost("/phone/codes", SendVerificationCodeAsync).WithName("SendPhoneVerificationCode")
            .WithSummary("Send a code to a number to add to this account.").ProducesProblem(StatusCodes.Status429TooManyRequests);
        signedIn.MapPut("/phone", ConfirmPhoneAsync).RequirePasswordCheckLimit().WithName("ConfirmPhone")
            .WithSummary("Add or replace the number once its code is right (needs the password); 409 phone_in_use when another account verified it.");
        signedIn.MapPut("/username", SetUsernameAsync).WithName("SetUsername").WithSummary("Pick a new username.");
        signedIn.MapGet("/2fa", GetTwoFactorAsync).WithName("GetTwoFactor").WithSummary("Which second factors are on.");
        signedIn.MapPost("/2fa/totp", BeginTotpAsync).RequirePasswordCheckLimit().WithName("BeginTotp")
            .WithSummary("Start TOTP enrolment (needs the password): the secret, an otpauth:// URI and its QR code, shown once.");
        signedIn.MapPost("/2fa/totp/confirm", ConfirmTotpAsync).RequirePasswordCheckLimit().WithName("ConfirmTotp")
            .WithSummary("Turn TOTP on with a first valid code; returns recovery codes if the account had none.");
        signedIn.MapPost("/2fa/sms", EnableSmsAsync).RequirePasswordCheckLimit().WithName("EnableSmsFactor")
            .WithSummary("Turn SMS to the verified number on as a second factor (needs the password).");
        signedIn.MapPost("/2fa/recovery-codes", RegenerateRecoveryCodesAsync).RequirePasswordCheckLimit().WithName("RegenerateRecoveryCodes")
            .WithSummary("Ten new recovery codes (needs the password); the old ones stop working.");
        signedIn.MapPost("/2fa/codes", SendManagementCodeAsync).WithName("SendTwoFactorSms")
            .WithSummary("Send an SMS code to use when turning 2FA off with the sms method.");
        signedIn.MapPost("/2fa/disable", DisableAsync).RequirePasswordCheckLimit().WithName("DisableTwoFactor")
            .WithSummary("Turn every second factor off: needs the password and a valid code.");
    }

    private static async Task<Results<Accepted<CodeSentResponse>, ProblemHttpResult>> SendSignInCodeAsync(
        [FromBody] PhoneCodeRequest request, PhoneAuthService phones, HttpContext context, CancellationToken cancellationToken) =>
        Sent(await phones.SendSignInCodeAsync(request.Phone, RateLimitingSetup.ClientIp(context), cancellationToken));

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> PhoneSignInAsync(
        [FromBody] PhoneSignInRequest request, PhoneAuthService phones, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await phones.SignInAsync(request.Phone, request.Code, request.DeviceName, request.Platform, context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value.ToResponse()) : Problems.From(outcome.Error);
    }

    private static async Task<Results<Accepted<CodeSentResponse>, ProblemHttpResult>> SendVerificationCodeAsync(
        [FromBody] PhoneCodeRequest request, PhoneAuthService phones, HttpContext context, CancellationToken cancellationToken) =>
        Sent(await phones.SendVerificationCodeAsync(context.Caller().AccountId, request.Phone, RateLimitingSetup.ClientIp(context), cancellationToken));

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> ConfirmPhoneAsync(
        [FromBody] ConfirmPhoneRequest request, PhoneAuthService phones, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await phones.ConfirmPhoneAsync(context.Caller().AccountId, request.Phone, request.Code, request.Password, cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value.ToResponse()) : Problems.From(outcome.Error);
    }

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> SetUsernameAsync(
        [FromBody] SetUsernameRequest request, AccountService accounts, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await accounts.SetUsernameAsync(context.Caller().AccountId, request.Username, cancellationToken);
        return outcome.IsSuccess ? TypedResults.Ok(outcome.Value.ToResponse()) : Problems.From(outcome.Error);
    }

    private static async Task<Ok<TwoFactorStatusResponse>> GetTwoFactorAsync(TwoFactorService twoFactor, HttpContext context, CancellationToken cancellationToken)
    {
        var state = await twoFactor.GetStateAsync(context.Caller().AccountId, cancellationToken);
        return TypedResults.Ok(new TwoFactorStatusResponse(state.TotpConfirmed, state.SmsEnabled, state.IsEnabled ? state.RecoveryCodesLeft : 0));
    }

    private static async Task<Results<Ok<TotpEnrolmentResponse>, ProblemHttpResult>> BeginTotpAsync(
        [FromBody] PasswordRequest request, TwoFactorService twoFactor, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await twoFactor.BeginTotpAsync(context.Caller().AccountId, request.Password, cancellationToken);
        if (!outcome.IsSuccess)
        {
            return Problems.From(outcome.Error);
        }

        using var data = QRCodeGenerator.GenerateQrCode(outcome.Value.OtpAuthUri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        return TypedResults.Ok(new TotpEnrolmentResponse(outcome.Value.Secret, outcome.Value.OtpAuthUri, Convert.ToBase64String(png)));
    }

    private static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> ConfirmTotpAsync(
        [FromBody] CodeRequest request, TwoFactorService twoFactor, HttpContext context, CancellationToken cancellationToken) =>
        Codes(await twoFactor.ConfirmTotpAsync(context.Caller().AccountId, request.Code, cancellationToken));

    private static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> EnableSmsAsync(
        [FromBody] PasswordRequest request, TwoFactorService twoFactor, HttpContext context, CancellationToken cancellationToken) =>
        Codes(await twoFactor.EnableSmsAsync(context.Caller().AccountId, request.Password, cancellationToken));

    private static async Task<Results<Ok<RecoveryCodesResponse>, ProblemHttpResult>> RegenerateRecoveryCodesAsync(
        [FromBody] PasswordRequest request, TwoFactorService twoFactor, HttpContext context, CancellationToken cancellationToken) =>
        Codes(await twoFactor.RegenerateRecoveryCodesAsync(context.Caller().AccountId, request.Password, cancellationToken));

    private static async Task<Results<Accepted<CodeSentResponse>, ProblemHttpResult>> SendManagementCodeAsync(
        TwoFactorService twoFactor, HttpContext context, CancellationToken cancellationToken) =>
        Sent(await twoFactor.SendManagementCodeAsync(context.Caller().AccountId, RateLimitingSetup.ClientIp(context), cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> DisableAsync(
        [FromBody] DisableTwoFactorRequest request, TwoFactorService twoFactor, HttpContext context, CancellationToken cancellationToken)
    {
        var outcome = await twoFactor.DisableAsync(context.Caller().AccountId, request.Password, request.Method, request.Code, cancellationToken);
        return outcome.IsSuccess ? TypedResults.NoContent() : Problems.From(outcome.Error);
    }

    private static Results<Accepted<CodeSentResponse>, ProblemHttpResult> Sent(Core.Errors.Outcome<DateTimeOffset> outcome) =>
        outcome.IsSuccess ? TypedResults.Accepted((string?)null, new CodeSentResponse(outcome.Value)) : Problems.From(outcome.Error);

    private static Results<Ok<RecoveryCodesResponse>, ProblemHttpResult> Codes(Core.Errors.Outcome<IReadOnlyList<string>> outcome) =>
        outcome.IsSuccess ? TypedResults.Ok(new RecoveryCodesResponse(outcome.Value)) : Problems.From(outcome.Error);
}
