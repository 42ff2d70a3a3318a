using Roost.Core.Accounts;
using Roost.Core.Sessions;
using Roost.Protocol.Rest;

namespace Roost.Server.Endpoints;

/// <summary>Domain records to wire contracts. Only what a client may see crosses here (never a hash).</summary>
internal static class ContractMapping
{
    public static AccountResponse ToResponse(this Account account) =>
        new(account.Id, account.Username, account.DisplayName, account.About, AvatarUrl: null, account.CreatedAt, account.Phone);

    public static LoginResponse ToResponse(this SignIn signIn) =>
        new(
            signIn.Token,
            signIn.Account.Id,
            signIn.Device?.Id,
            signIn.Account.Username,
            signIn.Challenge is { } challenge ? new SecondFactorResponse(challenge.Token, challenge.Methods, challenge.ExpiresAt) : null,
            signIn.UsernameRequired,
            signIn.DeviceKey);

    public static UserResponse ToUserResponse(this Account account) =>
        new(account.Id, account.Username, account.DisplayName, account.About, AvatarUrl: null);

    public static DeviceResponse ToResponse(this Device device, long currentDeviceId) =>
        new(device.Id, device.Name, device.Platform, device.VerifiedBy, device.CreatedAt, device.LastSeenAt, device.LastIp, device.Id == currentDeviceId);
}
