using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Cluster;

/// <summary>
/// A network partition for an in-process cluster: messages between an isolated node and the others are dropped
/// (in both directions, as every node's transport asks it), while the node keeps running and serving clients.
/// </summary>
internal sealed class Partition
{
    private volatile int isolated = RaftNode.None;

    /// <summary>Cuts <paramref name="id"/> off from every other node.</summary>
    public void Isolate(int id) => isolated = id;

    public void Heal() => isolated = RaftNode.None;

    public bool Blocks(int from, int to) => isolated != RaftNode.None && (from == isolated) != (to == isolated);
}

/// <summary>Wraps a node's real peer transport, dropping what <see cref="Partition"/> blocks.</summary>
internal sealed class PartitionedTransport(IPeerTransport inner, Partition partition, int self) : IPeerTransport
{
    public void Send(IReadOnlyList<Message> messages)
    {
        var allowed = messages.Where(m => !partition.Blocks(self, m.To)).ToList();
        if (allowed.Count > 0) inner.Send(allowed);
    }

    public void UpdatePeers(IReadOnlyDictionary<int, NodeAddress> peers) => inner.UpdatePeers(peers);
}
