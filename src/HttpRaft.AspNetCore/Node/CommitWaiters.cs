using System.Diagnostics;
using HttpRaft.AspNetCore.Observability;
using HttpRaft.Consensus;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// Proposals waiting to commit, each bound to (last index, term) of what it appended. When the entry at that
/// index commits, the waiter succeeds if the term matches and fails as overwritten if another leader's entry
/// took the place. Owned by the node loop; not thread-safe. Each commit's latency goes to <paramref name="latencies"/>.
/// </summary>
internal sealed class CommitWaiters(LatencyWindow? latencies = null)
{
    private readonly Dictionary<long, ProposeInput> byLastIndex = [];

    public int Count => byLastIndex.Count;

    public void Add(ProposeInput proposal)
    {
        // An index is reused only after a leader change dropped earlier waiters; be safe if one is left.
        if (byLastIndex.Remove(proposal.LastIndex, out var stale)) stale.Complete(AppendResult.Failed(AppendOutcome.Overwritten, RaftNode.None));
        byLastIndex[proposal.LastIndex] = proposal;
    }

    /// <summary>Completes the waiters whose last index is among <paramref name="committed"/>.</summary>
    public void OnCommitted(IReadOnlyList<Entry> committed, int leaderId)
    {
        if (byLastIndex.Count == 0) return;
        var now = Stopwatch.GetTimestamp();
        foreach (var entry in committed)
        {
            if (!byLastIndex.Remove(entry.Index, out var waiter)) continue;
            if (entry.Term == waiter.Term) latencies?.Record(now - waiter.ReceivedAt);
            waiter.Complete(entry.Term == waiter.Term
                ? new AppendResult(AppendOutcome.Committed, waiter.FirstIndex, waiter.LastIndex, waiter.Term, leaderId)
                : AppendResult.Failed(AppendOutcome.Overwritten, leaderId, entry.Term));
        }
    }

    /// <summary>Fails every waiter at once, e.g. when this node stops leading: they learn the new leader now, not at their timeout.</summary>
    public void FailAll(AppendOutcome outcome, int leaderId, long term)
    {
        foreach (var waiter in byLastIndex.Values) waiter.Complete(AppendResult.Failed(outcome, leaderId, term));
        byLastIndex.Clear();
    }
}
