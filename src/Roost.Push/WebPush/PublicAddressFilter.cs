using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Roost.Push.WebPush;

/// <summary>
/// Whether an address is on the public internet. Subscription endpoints are chosen by clients, so the sender connects
/// only to public addresses: an endpoint cannot make the server probe its own network (loopback, private ranges, cloud
/// metadata at 169.254.169.254), whatever its name resolves to. Addresses that embed an IPv4 address (mapped, NAT64,
/// 6to4) are judged by that address.
/// </summary>
public static class PublicAddressFilter
{
    // IPv4 ranges that are not globally reachable (IANA special-purpose registry, RFC 6890 and successors).
    private static readonly (uint Network, int PrefixLength)[] NonPublicV4 =
    [
        (V4(0, 0, 0, 0), 8),        // "this network"
        (V4(10, 0, 0, 0), 8),       // private
        (V4(100, 64, 0, 0), 10),    // carrier-grade NAT
        (V4(127, 0, 0, 0), 8),      // loopback
        (V4(169, 254, 0, 0), 16),   // link-local, cloud metadata
        (V4(172, 16, 0, 0), 12),    // private
        (V4(192, 0, 0, 0), 24),     // IETF protocol assignments
        (V4(192, 0, 2, 0), 24),     // documentation (TEST-NET-1)
        (V4(192, 88, 99, 0), 24),   // former 6to4 relay anycast
        (V4(192, 168, 0, 0), 16),   // private
        (V4(198, 18, 0, 0), 15),    // benchmarking
        (V4(198, 51, 100, 0), 24),  // documentation (TEST-NET-2)
        (V4(203, 0, 113, 0), 24),   // documentation (TEST-NET-3)
        (V4(224, 0, 0, 0), 4),      // multicast
        (V4(240, 0, 0, 0), 4),      // reserved, and 255.255.255.255 broadcast
    ];

    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes())),
            AddressFamily.InterNetworkV6 => IsPublicV6(address.GetAddressBytes()),
            _ => false,
        };
    }

    private static bool IsPublicV4(uint address)
    {
        foreach (var (network, prefixLength) in NonPublicV4)
        {
            var mask = uint.MaxValue << (32 - prefixLength);
            if ((address & mask) == network)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPublicV6(ReadOnlySpan<byte> address)
    {
        var high = BinaryPrimitives.ReadUInt64BigEndian(address);
        var low = BinaryPrimitives.ReadUInt64BigEndian(address[8..]);

        // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64, RFC 6052): the connection ends at the IPv4 address.
        if ((high == 0 && (low >> 32) == 0xFFFF) || (high == 0x0064_FF9B_0000_0000 && (low >> 32) == 0))
        {
            return IsPublicV4((uint)low);
        }

        // 2002:AABB:CCDD::/48 (6to4) is routed to the IPv4 address AA.BB.CC.DD.
        if ((high >> 48) == 0x2002)
        {
            return IsPublicV4((uint)(high >> 16));
        }

        // Global unicast is 2000::/3; everything else (::, ::1, the deprecated IPv4-compatible ::/96, 100::/64 discard,
        // fc00::/7 unique-local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8 multicast) is not public.
        if ((high >> 61) != 0b001)
        {
            return false;
        }

        // Inside 2000::/3: 2001::/23 (IETF protocol assignments: Teredo, which embeds IPv4 addresses, benchmarking,
        // ORCHID), 2001:db8::/32 and 3fff::/20 (documentation). No push service lives in them.
        return (high >> 41) != (0x2001_0000_0000_0000UL >> 41)
            && (high >> 32) != 0x2001_0DB8
            && (high >> 44) != 0x3FFF0;
    }

    private static uint V4(byte a, byte b, byte c, byte d) => ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d;
}
