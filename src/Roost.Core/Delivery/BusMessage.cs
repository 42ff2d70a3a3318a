namespace Roost.Core.Delivery;

public enum BusMessageKind : byte
{
    /// <summary>A committed event for one recipient: a hint, since the store holds it.</summary>
    Event = 1,

    /// <summary>A frame that is not stored (typing) for one account's connections.</summary>
    Ephemeral = 2,

    /// <summary>Close one device's connections, or all of an account's but one (a revoked session).</summary>
    Disconnect = 3,

    /// <summary>An account's presence changed (it came online, went offline, or hid): watchers read it again.</summary>
    PresenceChanged = 4,

    /// <summary>
    /// A node could not pass on messages for the account (for every account, when <see cref="BusMessage.AccountId"/> is
    /// 0): its connections catch up from the store.
    /// </summary>
    CatchUp = 5,
}

/// <summary>What a node's messages are about: an account's live connections, or the watchers of its presence.</summary>
public enum BusTopicKind : byte
{
    Connections = 1,
    Presence = 2,
}

/// <summary>A subject a node receives messages for; a node listens to a topic only while it has a local interest in it.</summary>
public readonly record struct BusTopic(BusTopicKind Kind, long AccountId)
{
    public static BusTopic ConnectionsOf(long accountId) => new(BusTopicKind.Connections, accountId);

    public static BusTopic PresenceOf(long accountId) => new(BusTopicKind.Presence, accountId);
}

/// <summary>
/// One message between nodes. Every kind is about <see cref="AccountId"/>; the fields a kind does not use are zero.
/// <see cref="DeviceId"/> 0 in a disconnect means every device of the account except <see cref="ExceptDeviceId"/>.
/// </summary>
public sealed record BusMessage(
    BusMessageKind Kind,
    long AccountId,
    ReadOnlyMemory<byte> Frame = default,
    long Cursor = 0,
    long PreviousCursor = 0,
    long DeviceId = 0,
    long ExceptDeviceId = 0)
{
    public BusTopic Topic => Kind == BusMessageKind.PresenceChanged ? BusTopic.PresenceOf(AccountId) : BusTopic.ConnectionsOf(AccountId);
}
