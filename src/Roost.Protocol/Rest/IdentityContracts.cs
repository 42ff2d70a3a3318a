namespace Roost.Protocol.Rest;

/// <summary>POST /v1/phone/codes and POST /v1/account/phone/codes</summary>
public sealed record PhoneCodeRequest(string? Phone);

/// <summary>A code is on its way; it works until <see cref="ExpiresAt"/>.</summary>
public sealed record CodeSentResponse(DateTimeOffset ExpiresAt);

/// <summary>POST /v1/phone/sessions: sign up or in with a number and its code.</summary>
public sealed record PhoneSignInRequest(string? Phone, string? Code, string? DeviceName = null, string? Platform = null);

/// <summary>PUT /v1/account/phone: the code sent to the number, and the account's password (when it has one).</summary>
public sealed record ConfirmPhoneRequest(string? Phone, string? Code, string? Password = null);

/// <summary>PUT /v1/account/username</summary>
public sealed record SetUsernameRequest(string? Username);

/// <summary>Requests that only need the password again.</summary>
public sealed record PasswordRequest(string? Password);

/// <summary>The TOTP secret is shown once: as base32, as an otpauth:// URI, and as a QR code (PNG, base64) of that URI.</summary>
public sealed record TotpEnrolmentResponse(string Secret, string OtpAuthUri, string QrCodePng);

/// <summary>POST /v1/account/2fa/totp/confirm</summary>
public sealed record CodeRequest(string? Code);

/// <summary>Recovery codes, shown once. Empty when the account already had some (they stay valid).</summary>
public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary>POST /v1/account/2fa/disable: the password and a code of an enabled method (totp, sms, recovery_code).</summary>
public sealed record DisableTwoFactorRequest(string? Password, string? Method, string? Code);

public sealed record TwoFactorStatusResponse(bool Totp, bool Sms, int RecoveryCodesLeft);
