using HttpRaft.Consensus;
using HttpRaft.Storage;
using Microsoft.Extensions.Options;

namespace HttpRaft.AspNetCore.Node;

/// <summary>Holds the <see cref="NodeView"/> the loop last published; readers on any thread get a whole, immutable view.</summary>
internal sealed class NodeViewHolder(IOptions<RaftHostOptions> options, IRaftStorage storage)
{
    // Until the loop publishes, what storage holds: a restarted node serves its committed entries at once.
    private NodeView current = new(
        options.Value.Id, Role.Follower, storage.HardState.Term, RaftNode.None, AppliedAtStart(storage), AppliedAtStart(storage), storage.LastIndex)
    {
        Membership = new Membership(options.Value.BootstrapConfiguration, 0, options.Value.SeedAddresses),
    };

    public NodeView Current => Volatile.Read(ref current);

    /// <summary>Wakes readers waiting for the applied index (long-polls) each time a publish moves it.</summary>
    public AppliedIndexSignal Applied { get; } = new(AppliedAtStart(storage));

    public void Publish(NodeView view)
    {
        Volatile.Write(ref current, view);
        Applied.Advance(view.AppliedIndex);
    }

    /// <summary>
    /// Where a (re)started node resumes applying: everything committed before it stopped was applied then (applying
    /// only answers waiting clients, who are gone), so the persisted commit index, clipped to the entries held.
    /// </summary>
    public static long AppliedAtStart(IRaftLogStorage storage) => Math.Min(storage.HardState.Commit, storage.LastIndex);
}
