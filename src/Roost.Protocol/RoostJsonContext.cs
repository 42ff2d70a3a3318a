using System.Text.Json;
using System.Text.Json.Serialization;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;

namespace Roost.Protocol;

/// <summary>
/// Source-generated serialization for every wire type: no reflection at run time, camelCase names.
/// Readers choose their strictness: the server refuses unknown request members, clients skip unknown response members.
/// </summary>
// Web defaults, but numbers are numbers: "1" where a number is expected is refused, as docs/protocol.md says.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(AccountResponse))]
[JsonSerializable(typeof(UpdateProfileRequest))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(DeleteAccountRequest))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(DeviceResponse))]
[JsonSerializable(typeof(DeviceListResponse))]
[JsonSerializable(typeof(ProblemResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(CreateDirectRequest))]
[JsonSerializable(typeof(CreateGroupRequest))]
[JsonSerializable(typeof(RenameConversationRequest))]
[JsonSerializable(typeof(AddMembersRequest))]
[JsonSerializable(typeof(SetRoleRequest))]
[JsonSerializable(typeof(ConversationResponse))]
[JsonSerializable(typeof(ConversationListResponse))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(MessagePageResponse))]
[JsonSerializable(typeof(SendAck))]
[JsonSerializable(typeof(PresenceResponse))]
[JsonSerializable(typeof(PresenceListResponse))]
[JsonSerializable(typeof(PresenceSettingsRequest))]
[JsonSerializable(typeof(RoostEvent))]
[JsonSerializable(typeof(ClientFrame))]
[JsonSerializable(typeof(ServerFrame))]
[JsonSerializable(typeof(HelloFrame))]
[JsonSerializable(typeof(AckFrame))]
[JsonSerializable(typeof(OkFrame))]
[JsonSerializable(typeof(ErrorFrame))]
[JsonSerializable(typeof(SyncedFrame))]
[JsonSerializable(typeof(ResyncRequiredFrame))]
[JsonSerializable(typeof(TypingFrame))]
[JsonSerializable(typeof(PresenceFrame))]
[JsonSerializable(typeof(PongFrame))]
[JsonSerializable(typeof(SecondFactorRequest))]
[JsonSerializable(typeof(ChallengeRequest))]
[JsonSerializable(typeof(PhoneCodeRequest))]
[JsonSerializable(typeof(CodeSentResponse))]
[JsonSerializable(typeof(PhoneSignInRequest))]
[JsonSerializable(typeof(ConfirmPhoneRequest))]
[JsonSerializable(typeof(SetUsernameRequest))]
[JsonSerializable(typeof(PasswordRequest))]
[JsonSerializable(typeof(TotpEnrolmentResponse))]
[JsonSerializable(typeof(CodeRequest))]
[JsonSerializable(typeof(RecoveryCodesResponse))]
[JsonSerializable(typeof(DisableTwoFactorRequest))]
[JsonSerializable(typeof(TwoFactorStatusResponse))]
[JsonSerializable(typeof(AdminUserResponse))]
[JsonSerializable(typeof(AdminUserListResponse))]
[JsonSerializable(typeof(AdminStatsResponse))]
[JsonSerializable(typeof(RevokedSessionsResponse))]
public sealed partial class RoostJsonContext : JsonSerializerContext;
