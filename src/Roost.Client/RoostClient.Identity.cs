using Roost.Protocol;
using Roost.Protocol.Rest;

namespace Roost.Client;

public sealed partial class RoostClient
{
    /// <summary>Sends a sign-in code by SMS to <paramref name="phone"/>.</summary>
    public Task<CodeSentResponse> SendPhoneCodeAsync(string phone, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/phone/codes", new PhoneCodeRequest(phone), RoostJsonContext.Default.PhoneCodeRequest, RoostJsonContext.Default.CodeSentResponse, cancellationToken);

    /// <summary>Signs up or in with a number and its code; keeps the token when the answer has one.</summary>
    public async Task<LoginResponse> PhoneSignInAsync(string phone, string code, string? deviceName = null, string? platform = null, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Post, "v1/phone/sessions", new PhoneSignInRequest(phone, code, deviceName, platform), RoostJsonContext.Default.PhoneSignInRequest, RoostJsonContext.Default.LoginResponse, cancellationToken);
        AccessToken = response.Token ?? AccessToken;
        DeviceKey = response.DeviceKey ?? DeviceKey;
        return response;
    }

    /// <summary>Completes a log-in challenge; keeps the token.</summary>
    public async Task<LoginResponse> CompleteSecondFactorAsync(string challenge, string method, string code, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Post, "v1/sessions/second-factor", new SecondFactorRequest(challenge, method, code), RoostJsonContext.Default.SecondFactorRequest, RoostJsonContext.Default.LoginResponse, cancellationToken);
        AccessToken = response.Token ?? AccessToken;
        DeviceKey = response.DeviceKey ?? DeviceKey;
        return response;
    }

    public Task<CodeSentResponse> SendSecondFactorSmsAsync(string challenge, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/sessions/second-factor/sms", new ChallengeRequest(challenge), RoostJsonContext.Default.ChallengeRequest, RoostJsonContext.Default.CodeSentResponse, cancellationToken);

    public Task<CodeSentResponse> SendPhoneVerificationCodeAsync(string phone, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/account/phone/codes", new PhoneCodeRequest(phone), RoostJsonContext.Default.PhoneCodeRequest, RoostJsonContext.Default.CodeSentResponse, cancellationToken);

    public Task<AccountResponse> ConfirmPhoneAsync(string phone, string code, string? password, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, "v1/account/phone", new ConfirmPhoneRequest(phone, code, password), RoostJsonContext.Default.ConfirmPhoneRequest, RoostJsonContext.Default.AccountResponse, cancellationToken);

    public Task<AccountResponse> SetUsernameAsync(string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, "v1/account/username", new SetUsernameRequest(username), RoostJsonContext.Default.SetUsernameRequest, RoostJsonContext.Default.AccountResponse, cancellationToken);

    public Task<TwoFactorStatusResponse> GetTwoFactorAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/account/2fa", RoostJsonContext.Default.TwoFactorStatusResponse, cancellationToken);

    public Task<TotpEnrolmentResponse> BeginTotpAsync(string password, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/account/2fa/totp", new PasswordRequest(password), RoostJsonContext.Default.PasswordRequest, RoostJsonContext.Default.TotpEnrolmentResponse, cancellationToken);

    public Task<RecoveryCodesResponse> ConfirmTotpAsync(string code, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/account/2fa/totp/confirm", new CodeRequest(code), RoostJsonContext.Default.CodeRequest, RoostJsonContext.Default.RecoveryCodesResponse, cancellationToken);

    public Task<RecoveryCodesResponse> EnableSmsFactorAsync(string password, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/account/2fa/sms", new PasswordRequest(password), RoostJsonContext.Default.PasswordRequest, RoostJsonContext.Default.RecoveryCodesResponse, cancellationToken);

    public Task<RecoveryCodesResponse> RegenerateRecoveryCodesAsync(string password, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/account/2fa/recovery-codes", new PasswordRequest(password), RoostJsonContext.Default.PasswordRequest, RoostJsonContext.Default.RecoveryCodesResponse, cancellationToken);

    public Task<CodeSentResponse> SendTwoFactorSmsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/account/2fa/codes", RoostJsonContext.Default.CodeSentResponse, cancellationToken);

    public Task DisableTwoFactorAsync(string password, string method, string code, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v1/account/2fa/disable", new DisableTwoFactorRequest(password, method, code), RoostJsonContext.Default.DisableTwoFactorRequest, cancellationToken);
}
