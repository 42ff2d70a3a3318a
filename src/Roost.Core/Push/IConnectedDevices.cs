namespace Roost.Core.Push;

/// <summary>
/// The devices of an account with a live connection on this node. A new message queues no push for them: the router
/// hands it to their sockets right after the commit (one lookup in memory per recipient, instead of a job claimed
/// and skipped). Devices connected to other nodes are skipped when the job is due.
/// </summary>
public interface IConnectedDevices
{
    long[] DevicesConnectedHere(long accountId);
}
