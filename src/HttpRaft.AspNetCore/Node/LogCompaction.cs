using System.Diagnostics;
using HttpRaft.AspNetCore.Idempotency;
using HttpRaft.Consensus;
using HttpRaft.Storage;
using Microsoft.Extensions.Logging;

namespace HttpRaft.AspNetCore.Node;

/// <summary>
/// Deleting the log's prefix on the node loop (docs/design.md §8). A cut is a truncation entry in the log: the leader
/// appends one for an operator's <c>DELETE /log</c> or when <see cref="RetentionOptions"/> ask for it, and every node,
/// once it has applied it, takes a snapshot just before the index it names (its membership and idempotency table) and
/// has storage delete what the snapshot covers. So every node agrees on the first index, and a cut a crash interrupted
/// is carried out at the next start. Owned by the node loop; not thread-safe.
/// </summary>
internal sealed class LogCompaction(IRaftStorage storage, RetentionOptions retention, TimeProvider time, ILogger logger)
{
    private readonly List<(TruncateInput Request, long EntryIndex)> waiting = [];
    private long due;
    private long proposedAt;
    private long lastCheck = long.MinValue;

    public int Count => waiting.Count;

    /// <summary>At start: the latest truncation the log holds that was applied but perhaps not carried out before a crash.</summary>
    public void Resume(long applied)
    {
        foreach (var index in storage.ControlEntryIndexes)
        {
            if (index > applied) break;
            if (storage.Entries(index, index + 1, long.MaxValue) is [{ TruncationFirstIndex: { } first }]) due = Math.Max(due, first);
        }
    }

    /// <summary>Notes the truncations among newly applied entries; the cut waits for <see cref="CutIfDue"/>, after the core has counted them applied.</summary>
    public void OnApplied(IReadOnlyList<Entry> committed)
    {
        foreach (var entry in committed)
        {
            if (entry.TruncationFirstIndex is not { } first) continue;
            due = Math.Max(due, first);
            if (entry.Index >= proposedAt) proposedAt = 0;
        }
    }

    /// <summary>
    /// Carries out the latest applied truncation if the log still starts before it, then answers the requests it
    /// satisfies; true when the log was cut. The snapshot holds the keys of appends up to its index, so they are still known after the cut.
    /// </summary>
    public bool CutIfDue(RaftNode core, IdempotentAppends keyed)
    {
        var cut = false;
        if (due > storage.FirstIndex && due - 1 <= core.AppliedIndex)
        {
            var start = Stopwatch.GetTimestamp();
            var snapshot = core.CreateSnapshot(due - 1, keyed.SnapshotData(due - 1));
            storage.Compact(snapshot);
            var milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            HostLog.LogCut(logger, due, snapshot.Data.Length, milliseconds);
            cut = true;
        }
        if (waiting.Count > 0) Answer(core, core.AppliedIndex);
        return cut;
    }

    /// <summary>Proposes an operator's cut if this node leads; one at or before the first index is already done.</summary>
    public void Request(TruncateInput request, RaftNode core)
    {
        if (core.Role != Role.Leader)
        {
            request.Complete(Outcome(TruncateStatus.NotLeader, core));
            return;
        }
        if (request.FirstIndex <= storage.FirstIndex)
        {
            request.Complete(Outcome(TruncateStatus.Truncated, core));
            return;
        }
        if (request.FirstIndex > core.CommitIndex)
        {
            request.Complete(Outcome(TruncateStatus.NotCommitted, core));
            return;
        }
        var result = core.ProposeTruncation(request.FirstIndex);
        if (!result.Accepted)
        {
            request.Complete(Outcome(result.Rejection == ProposeRejection.Transferring ? TruncateStatus.TimedOut : TruncateStatus.NotLeader, core));
            return;
        }
        waiting.Add((request, result.FirstIndex));
    }

    /// <summary>On the leader, now and then: appends a truncation when the retention limits ask for one and none is in flight.</summary>
    public void CheckRetention(RaftNode core)
    {
        if (!retention.Enabled || core.Role != Role.Leader || proposedAt != 0) return;
        var now = time.GetTimestamp();
        if (lastCheck != long.MinValue && time.GetElapsedTime(lastCheck, now).TotalMilliseconds < retention.CheckIntervalMs) return;
        lastCheck = now;
        var status = core.Status();
        var state = new RetentionState(
            storage.FirstIndex, status.CommitIndex, status.AppliedIndex, [.. status.Followers.Values.Select(f => f.MatchIndex)], storage.Segments(), time.GetUtcNow());
        if (RetentionPolicy.FirstIndexToKeep(retention, state) is not { } first) return;
        var result = core.ProposeTruncation(first);
        if (result.Accepted) proposedAt = result.FirstIndex;
    }

    /// <summary>This node stopped leading: what it proposed may still be applied, but it will not hear; the operator may ask again.</summary>
    public void OnLeadershipLost(RaftNode core)
    {
        proposedAt = 0;
        foreach (var (request, _) in waiting) request.Complete(Outcome(TruncateStatus.NotLeader, core));
        waiting.Clear();
    }

    /// <summary>Answers everything: the node is stopping.</summary>
    public void FailAll()
    {
        foreach (var (request, _) in waiting) request.Complete(new TruncateOutcome(TruncateStatus.Stopped, storage.FirstIndex, storage.LastIndex, 0, RaftNode.None));
        waiting.Clear();
    }

    private void Answer(RaftNode core, long applied)
    {
        foreach (var done in waiting.Where(w => w.EntryIndex <= applied).ToList())
        {
            done.Request.Complete(Outcome(TruncateStatus.Truncated, core));
            waiting.Remove(done);
        }
    }

    private TruncateOutcome Outcome(TruncateStatus status, RaftNode core) =>
        new(status, storage.FirstIndex, storage.LastIndex, core.CommitIndex, core.LeaderId);
}
