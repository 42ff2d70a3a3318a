namespace Roost.Core.Sessions;

/// <summary>Error codes of signing in and sessions, beside the shared ones in <see cref="Errors.ErrorCodes"/>.</summary>
public static class SessionErrorCodes
{
    public const string AccountDisabled = "account_disabled";
}
