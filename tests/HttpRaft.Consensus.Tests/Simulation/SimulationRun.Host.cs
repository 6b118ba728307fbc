using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// What a host does with each Ready — install a snapshot, persist, send, apply, advance, carry out a truncation — with
/// the checks at each stage, in the node loop's order (src/HttpRaft.AspNetCore/Node/NodeLoop.cs).
/// </summary>
internal sealed partial class SimulationRun
{
    private void ProcessReady(SimNode node)
    {
        while (node.IsUp && node.Raft!.HasReady)
        {
            var raft = node.Raft;
            var ready = raft.GetReady();
            // A leader's messages may leave before its disk write; a crash right after must still lose nothing acknowledged.
            if (ready.CanSendBeforePersisting) Send(ready.Messages);
            if (now < ChaosTicks * UnitsPerTick && random.NextDouble() < 0.002)
            {
                // Power lost before this batch reached the disk: the node keeps only what earlier batches persisted.
                Crash(node);
                return;
            }
            if (ready.Snapshot is { } snapshot) Install(node, snapshot);
            Persist(node, ready);
            ObserveRoles(node, ready);
            if (!ready.CanSendBeforePersisting) Send(ready.Messages);
            ObserveCommits(node);
            if (raft.Role == Role.Leader) SafetyChecker.OnLeaderLog(node.Id, raft.Term, node.ConfigurationEntriesAfter(checker.CommittedThrough));
            Apply(node, ready.CommittedEntries);
            ServeReads(node, ready.ReadStates);
            raft.Advance(ready);
            CutIfDue(node);
            if (raft.Role == Role.Leader) SafetyChecker.OnLeaderProgress(raft.Status());
            if (ready.SoftState is { Role: Role.Leader }) MaybeStrike(node, profile.AtElection, "at the election");
            else if (raft.Role == Role.Leader && ready.Entries.Any(e => e.Kind == EntryKind.Configuration && e.Term == raft.Term)) MaybeStrike(node, profile.AtChange, "at the change");
        }
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            if (message is SnapshotChunk { Offset: 0 }) SnapshotsSent++;
            checker.OnSend(message);
            network.Send(message, now);
        }
    }

    private void Persist(SimNode node, Ready ready)
    {
        node.Storage.Append(ready.Entries);
        if (ready.HardState is { } hard) node.Storage.SetHardState(hard);
        checker.OnPersisted(node.Id, ready.Entries);
        checker.OnTerm(node.Id, node.Raft!.Term);
    }

    /// <summary>
    /// A leader's snapshot replaces the log before the batch's entries are saved (they follow it), and the state machine
    /// takes its state from it: what was applied is now what the snapshot covers. Appends this node accepted as leader
    /// at or below its index are beyond its knowledge now, as the node loop fails them.
    /// </summary>
    private void Install(SimNode node, Snapshot snapshot)
    {
        checker.OnSnapshot(node.Id, snapshot, "received");
        checker.OnInstalled(node.Id, snapshot, node.LastApplied);
        node.Storage.InstallSnapshot(snapshot);
        node.Restore(snapshot);
        foreach (var key in waitingClients.Keys.Where(k => k.Node == node.Id && k.Index <= snapshot.Index).ToList()) waitingClients.Remove(key);
        SnapshotsInstalled++;
        Log($"node {node.Id} installs the snapshot at {snapshot.Index} (term {snapshot.Term}, {snapshot.Data.Length} bytes)");
    }

    /// <summary>Once a truncation is applied, the log is cut below the index it names, as LogCompaction.CutIfDue does.</summary>
    private void CutIfDue(SimNode node)
    {
        var due = node.TruncationDue;
        if (due > node.Storage.FirstIndex && due - 1 <= node.Raft!.AppliedIndex) Compact(node, due - 1, "truncation");
    }

    /// <summary>Deletes <paramref name="node"/>'s log up to <paramref name="index"/> (applied), keeping a snapshot of its state there.</summary>
    private void Compact(SimNode node, long index, string reason)
    {
        // Padding makes some snapshots take many pieces when messages are small.
        var snapshot = node.Raft!.CreateSnapshot(index, node.StateMachine.SnapshotData(index, random.Next(3) == 0 ? random.Next(600) : 0));
        checker.OnSnapshot(node.Id, snapshot, reason);
        node.Storage.Compact(snapshot);
        checker.OnCompacted(node.Id, snapshot);
        node.StateMachine.Forget(index);
        Compactions++;
        step++;
        Log($"node {node.Id} compacts up to {index} ({reason}), keeping {node.Storage.FirstIndex}..{node.Storage.LastIndex}");
    }

    private void ObserveRoles(SimNode node, Ready ready)
    {
        if (ready.Configuration is { } configuration) Log($"node {node.Id} configuration {configuration} from index {ready.ConfigurationIndex}");
        if (ready.SoftState is not { } soft) return;
        Log($"node {node.Id} is {soft.Role} in term {soft.Term}, leader {soft.LeaderId}");
        if (soft.Role != Role.Leader) return;
        checker.OnBecameLeader(node.Id, soft.Term, node.Storage, node.ConfigurationInLog(beforeTerm: soft.Term));
        OnElected(node);
    }

    private void ObserveCommits(SimNode node)
    {
        var commit = Math.Min(node.Raft!.CommitIndex, node.Storage.LastIndex);
        if (commit <= node.CommitSeen) return;
        // Every input is followed by this handling of its Readys, so a leader's commit index is seen here right after
        // the leader moved it, with the log it counted on.
        if (node.Raft.Role == Role.Leader) checker.OnLeaderCommit(node.Id, node.Raft.Term, commit, node.ConfigurationInLog());
        foreach (var entry in node.Storage.Entries(node.CommitSeen + 1, commit + 1, long.MaxValue))
        {
            checker.OnCommitted(node.Id, entry, node.Raft.Term);
        }
        node.CommitSeen = commit;
    }

    private void Apply(SimNode node, IReadOnlyList<Entry> committedEntries)
    {
        foreach (var entry in committedEntries)
        {
            checker.OnApplied(node.Id, entry, node.LastApplied + 1);
            node.Apply(entry);
            checker.OnState(node.Id, entry.Index, node.StateMachine.State);
            if (!waitingClients.Remove((node.Id, entry.Index), out var term)) continue;
            // The client is told "committed" only if its own entry, not a successor's, is at that index.
            if (term == entry.Term) checker.OnAcknowledged(entry);
        }
    }

    private void ServeReads(SimNode node, IReadOnlyList<ReadState> reads)
    {
        foreach (var read in reads)
        {
            if (!waitingReads.Remove(read.RequestId, out var request)) continue;
            SafetyChecker.OnRead(node.Id, read, request.AcknowledgedBefore);
        }
    }
}
