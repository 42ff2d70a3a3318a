using System.Text.Json;
using System.Text.Json.Serialization;
using Roost.Protocol;

namespace Roost.Benchmarks;

/// <summary>The gateway's strict parse options (GatewayConnection.Receive.cs keeps its context private); keep the two in step.</summary>
internal static class GatewayJson
{
    public static readonly RoostJsonContext Strict = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    });
}
