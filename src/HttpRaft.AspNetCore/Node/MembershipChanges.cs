using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// Membership changes this leader appended and the clients waiting for them to commit, each bound to the (index, term)
/// of its configuration entry, as <see cref="CommitWaiters"/> binds appends. Owned by the node loop; not thread-safe.
/// </summary>
internal sealed class MembershipChanges
{
    private readonly List<(ChangeInput Request, ChangeResult Appended)> waiting = [];

    public int Count => waiting.Count;

    /// <summary>Proposes <paramref name="request"/>'s change; a refusal is answered at once, an append waits for its commit.</summary>
    public void Propose(ChangeInput request, RaftNode core)
    {
        var result = core.ProposeChange(request.Change);
        if (result.Accepted) waiting.Add((request, result));
        else request.Complete(new ChangeOutcome(StatusOf(result.Rejection), result.Member, null, result.LeaderId));
    }

    /// <summary>Answers the changes whose entry is among <paramref name="committed"/>, with the membership in force now.</summary>
    public void OnCommitted(IReadOnlyList<Entry> committed, Membership membership, int leaderId)
    {
        if (waiting.Count == 0 || committed.Count == 0) return;
        var last = committed[^1].Index;
        foreach (var (request, appended) in waiting.Where(w => w.Appended.Index <= last).ToList())
        {
            var entry = committed.FirstOrDefault(e => e.Index == appended.Index);
            var status = entry.Index == appended.Index && entry.Term == appended.Term ? ChangeStatus.Committed : ChangeStatus.Overwritten;
            request.Complete(new ChangeOutcome(status, appended.Member, status == ChangeStatus.Committed ? membership : null, leaderId));
            waiting.RemoveAll(w => ReferenceEquals(w.Request, request));
        }
    }

    /// <summary>Answers every waiting change with <paramref name="status"/>.</summary>
    public void FailAll(ChangeStatus status, int leaderId)
    {
        foreach (var (request, appended) in waiting) request.Complete(new ChangeOutcome(status, appended.Member, null, leaderId));
        waiting.Clear();
    }

    private static ChangeStatus StatusOf(ChangeRejection rejection) => rejection switch
    {
        ChangeRejection.NotLeader => ChangeStatus.NotLeader,
        ChangeRejection.UnknownMember => ChangeStatus.UnknownMember,
        ChangeRejection.NotALearner => ChangeStatus.NotALearner,
        ChangeRejection.NotCaughtUp => ChangeStatus.NotCaughtUp,
        ChangeRejection.RemovesLeader => ChangeStatus.RemovesLeader,
        _ => ChangeStatus.Pending,
    };
}
