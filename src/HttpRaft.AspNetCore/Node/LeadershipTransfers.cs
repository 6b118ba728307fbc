using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// Requests to hand leadership over, and the appends that arrive while a transfer runs (the core refuses them, so a
/// target is never left behind). A held append is proposed here if the transfer fails, or answered with the new
/// leader (a safe 307: nothing was appended) if it succeeds, so clients wait a few milliseconds instead of failing.
/// Owned by the node loop; not thread-safe.
/// </summary>
internal sealed class LeadershipTransfers
{
    private readonly List<(TransferInput Request, int Target)> pending = [];
    private readonly List<ProposeInput> held = [];

    /// <summary>True while appends are held: the loop checks after every batch whether they can go.</summary>
    public bool HasWork => pending.Count > 0 || held.Count > 0;

    /// <summary>Asks the core to hand over to the request's target; a request the core refuses is answered at once.</summary>
    public void Start(TransferInput request, RaftNode core)
    {
        var status = core.TransferLeadership(request.TargetId) switch
        {
            TransferResult.Started => (TransferStatus?)null,
            TransferResult.NotLeader => TransferStatus.NotLeader,
            TransferResult.AlreadyLeader => TransferStatus.AlreadyLeader,
            _ => TransferStatus.InvalidTarget,
        };
        if (status is { } refused) request.Complete(new TransferOutcome(refused, core.LeaderId));
        else pending.Add((request, core.LeadTransferee));
    }

    /// <summary>Holds an append the core refused because a transfer runs.</summary>
    public void Hold(ProposeInput proposal) => held.Add(proposal);

    /// <summary>
    /// After a batch: answers transfers that ended (the target leads, another node won, or the core gave up while this
    /// node still leads) and returns the held appends this node should propose now that no transfer runs.
    /// </summary>
    public IReadOnlyList<ProposeInput> Settle(RaftNode core)
    {
        if (!HasWork) return [];
        var leading = core.Role == Role.Leader;
        if (leading && core.LeadTransferee != RaftNode.None) return [];
        if (!leading && core.LeaderId == RaftNode.None) return []; // The target's election is under way.
        foreach (var (request, target) in pending)
        {
            var status = !leading && core.LeaderId == target ? TransferStatus.Transferred : TransferStatus.TimedOut;
            request.Complete(new TransferOutcome(status, core.LeaderId));
        }
        pending.Clear();
        var released = held.ToList();
        held.Clear();
        if (leading) return released;
        foreach (var proposal in released) proposal.Complete(AppendResult.Failed(AppendOutcome.NotLeader, core.LeaderId, core.Term));
        return [];
    }

    /// <summary>Answers everything: the node is stopping.</summary>
    public void FailAll()
    {
        foreach (var (request, _) in pending) request.Complete(new TransferOutcome(TransferStatus.Stopped, RaftNode.None));
        foreach (var proposal in held) proposal.Complete(AppendResult.Failed(AppendOutcome.Stopped, RaftNode.None));
        pending.Clear();
        held.Clear();
    }
}
