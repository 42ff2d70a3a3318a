using System.Security.Cryptography;
using Roost.Server.Options;

namespace Roost.Server.Cluster;

/// <summary>This node's name in its cluster: configured, or the host name and a random suffix new at every start.</summary>
public static class NodeIdentity
{
    public static string From(ClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.NodeId.Length > 0)
        {
            return cluster.NodeId;
        }

        var host = new string([.. Environment.MachineName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').Take(40)]);
        return $"{(host.Length == 0 ? "node" : host)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    }
}
