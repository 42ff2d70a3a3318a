using System.Text.Json;
using System.Text.Json.Serialization;
using Roost.Protocol.Rest;

namespace Roost.Protocol;

/// <summary>
/// Source-generated serialization for every wire type: no reflection at run time, camelCase names.
/// Readers choose their strictness: the server refuses unknown request members, clients skip unknown response members.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
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
public sealed partial class RoostJsonContext : JsonSerializerContext;
