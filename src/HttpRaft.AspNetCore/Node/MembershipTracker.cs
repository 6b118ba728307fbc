using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// The node loop's view of the membership: the configuration in force as a <see cref="Membership"/>, and the members
/// a configuration removed whose removal has not committed yet (the leader still sends to them, so they learn of it).
/// From these it gives the transport the peers to keep streams to. Owned by the node loop; not thread-safe.
/// </summary>
internal sealed class MembershipTracker(int self, IReadOnlyDictionary<int, MemberAddress> seeds)
{
    private readonly Dictionary<int, (MemberAddress Address, long RemovedAt)> leaving = [];

    public Membership Current { get; private set; } = new(Configuration.Empty, 0, seeds);

    /// <summary>Takes the configuration in force; members it drops stay reachable until <see cref="OnApplied"/> passes their removal.</summary>
    public void OnConfiguration(Configuration configuration, long index)
    {
        var previous = Current;
        Current = new Membership(configuration, index, seeds);
        foreach (var member in previous.Configuration.Members)
        {
            if (!configuration.Contains(member.Id) && previous.AddressOf(member.Id) is { } address) leaving[member.Id] = (address, index);
        }
        foreach (var member in configuration.Members) leaving.Remove(member.Id);
    }

    /// <summary>Forgets the members whose removal is now applied; true when the peers changed.</summary>
    public bool OnApplied(long appliedIndex)
    {
        var done = leaving.Where(l => l.Value.RemovedAt <= appliedIndex).Select(l => l.Key).ToList();
        foreach (var id in done) leaving.Remove(id);
        return done.Count > 0;
    }

    /// <summary>
    /// The peers to reach: the members, those still leaving, and the seeds this node was given when it joined for ids
    /// its configuration does not know yet (a joining node answers a leader its log does not name yet).
    /// </summary>
    public IReadOnlyDictionary<int, NodeAddress> Peers()
    {
        var peers = new Dictionary<int, NodeAddress>();
        var configuration = Current.Configuration;
        foreach (var (id, address) in Current.Seeds)
        {
            if (!configuration.Contains(id) && !configuration.Removed(id)) peers[id] = NodeAddress.Parse(address.Peer);
        }
        foreach (var (id, (address, _)) in leaving) peers[id] = NodeAddress.Parse(address.Peer);
        foreach (var member in configuration.Members)
        {
            if (Current.AddressOf(member.Id) is { } address) peers[member.Id] = NodeAddress.Parse(address.Peer);
        }
        peers.Remove(self);
        return peers;
    }
}
