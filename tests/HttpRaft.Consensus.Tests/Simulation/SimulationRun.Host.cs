using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>What a host does with each Ready — persist, send, apply, advance — with the checks at each stage.</summary>
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
            Persist(node, ready);
            ObserveRoles(node, ready);
            if (!ready.CanSendBeforePersisting) Send(ready.Messages);
            ObserveCommits(node);
            if (raft.Role == Role.Leader) SafetyChecker.OnLeaderLog(node.Id, raft.Term, node.ConfigurationEntriesAfter(checker.CommittedThrough));
            Apply(node, ready.CommittedEntries);
            ServeReads(node, ready.ReadStates);
            raft.Advance(ready);
            if (raft.Role == Role.Leader) SafetyChecker.OnLeaderProgress(raft.Status());
            if (ready.SoftState is { Role: Role.Leader }) MaybeStrike(node, profile.AtElection, "at the election");
            else if (raft.Role == Role.Leader && ready.Entries.Any(e => e.Kind == EntryKind.Configuration && e.Term == raft.Term)) MaybeStrike(node, profile.AtChange, "at the change");
        }
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
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
            node.LastApplied = entry.Index;
            if (entry.Kind == EntryKind.Configuration) node.AppliedConfiguration = Configuration.Decode(entry.Data.Span);
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
