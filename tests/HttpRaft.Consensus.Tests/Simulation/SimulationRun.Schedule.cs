using System.Text;
using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>The random schedule of faults, client requests, message deliveries and ticks.</summary>
internal sealed partial class SimulationRun
{
    private void InjectFault()
    {
        var roll = random.NextDouble();
        if ((roll -= profile.Partition) < 0) Partition();
        else if ((roll -= profile.Partition) < 0) Heal();
        else if ((roll -= profile.Crash) < 0) Crash(nodes[random.Next(nodes.Count)]);
        else if ((roll -= 0.004) < 0) RestartSomeDownNode();
        else if ((roll -= 0.002) < 0) TransferLeadership();
        else if ((roll -= profile.LongOutage) < 0) StartLongOutage();
        else if ((roll -= profile.Compaction) < 0) CompactSomeNode();
        else if ((roll -= profile.Truncation) < 0) AskForTruncation();
    }

    /// <summary>A node crashes and stays down long enough for the leader to delete the entries it would need next.</summary>
    private void StartLongOutage()
    {
        var node = nodes[random.Next(nodes.Count)];
        if (!node.IsUp) return;
        Crash(node);
        node.DownUntil = now + (40 + random.Next(100)) * UnitsPerTick;
        Log($"node {node.Id} stays down until tick {node.DownUntil / UnitsPerTick}");
    }

    /// <summary>A node's retention deletes a prefix of what it applied: up to its applied index, or a random applied index.</summary>
    private void CompactSomeNode()
    {
        var node = nodes[random.Next(nodes.Count)];
        if (!node.IsUp) return;
        var applied = node.Raft!.AppliedIndex;
        var first = node.Storage.FirstIndex;
        if (applied < first) return;
        Compact(node, random.Next(2) == 0 ? applied : first + random.NextInt64(applied - first + 1), "retention");
    }

    /// <summary>
    /// The operator deletes a committed prefix (<c>DELETE /log?before=N</c>): the leader appends a truncation entry, and
    /// each node cuts its log once it applies it. N is above the leader's first index and at most its commit index, as
    /// the host checks.
    /// </summary>
    private void AskForTruncation()
    {
        if (CurrentLeader() is not { } leader) return;
        var first = leader.Storage.FirstIndex;
        var commit = leader.Raft!.CommitIndex;
        if (commit <= first) return;
        var before = first + 1 + random.NextInt64(commit - first);
        var result = leader.Raft.ProposeTruncation(before);
        step++;
        Log($"node {leader.Id} delete before {before}: {(result.Accepted ? $"appended at {result.FirstIndex} in term {result.Term}" : result.Rejection)}");
        ProcessReady(leader);
    }

    /// <summary>
    /// A fault at a moment where a protocol is most fragile (FoundationDB's "buggify"): right after a leader appended a
    /// configuration entry, or right after a node won an election. The leader is cut off from a random part of the
    /// cluster, or crashes, or another node does, so a change reaches only some nodes and a new leader loses some of
    /// the voters that elected it. Only while the faults last.
    /// </summary>
    private void MaybeStrike(SimNode at, double chance, string moment)
    {
        if (now >= ChaosTicks * UnitsPerTick || random.NextDouble() >= chance) return;
        Strikes++;
        Log($"strike {moment} of node {at.Id}");
        var roll = random.Next(4);
        if (roll < 2) PartitionAround(at, oneWay: roll == 1);
        else if (roll == 2) Crash(at);
        else Crash(nodes[random.Next(nodes.Count)]);
    }

    /// <summary>Cuts <paramref name="at"/>, with a random part of the others, off from the rest.</summary>
    private void PartitionAround(SimNode at, bool oneWay)
    {
        var side = nodes.Select(n => n.Id).Where(id => id == at.Id || random.Next(2) == 0).ToList();
        if (side.Count == nodes.Count) return;
        network.Partition(side, oneWay);
        step++;
        Log($"partition [{string.Join(',', side)}]{(oneWay ? " one-way out" : "")}");
    }

    /// <summary>
    /// The leader (if any is up) hands over to a random node (itself, a learner, a removed node or a stranger
    /// included), or with <see cref="RaftNode.None"/> to whoever is most up to date.
    /// </summary>
    private void TransferLeadership() => TransferLeadership(random.Next(nodes.Count + 2) - 1);

    private void TransferLeadership(int target)
    {
        if (CurrentLeader() is not { } leader) return;
        var already = leader.Raft!.LeadTransferee;
        var result = leader.Raft.TransferLeadership(target);
        step++;
        if (result == TransferResult.Started && already == RaftNode.None) Transfers++;
        Log($"node {leader.Id} transfers leadership to {(target == RaftNode.None ? "the most up-to-date voter" : target)}: {result}");
        ProcessReady(leader);
    }

    /// <summary>
    /// The leader a client or an operator finds: the one of the highest term among the nodes that are up. A deposed
    /// leader may not know yet; one that was cut off with check-quorum off may never learn, as a real one would not.
    /// </summary>
    private SimNode? CurrentLeader() => nodes.Where(n => n.IsUp && n.Raft!.Role == Role.Leader).MaxBy(n => n.Raft!.Term);

    private void Partition()
    {
        var side = nodes.Select(n => n.Id).Where(_ => random.Next(2) == 0).ToList();
        if (side.Count == 0 || side.Count == nodes.Count) return;
        var oneWay = random.NextDouble() < 0.3;
        network.Partition(side, oneWay);
        step++;
        Log($"partition [{string.Join(',', side)}]{(oneWay ? " one-way out" : "")}");
    }

    private void Heal()
    {
        network.Heal();
        step++;
        Log("network healed");
    }

    private void Crash(SimNode node)
    {
        if (!node.IsUp) return;
        node.Crash();
        network.DropFor(node.Id);
        foreach (var key in waitingClients.Keys.Where(k => k.Node == node.Id).ToList()) waitingClients.Remove(key);
        foreach (var key in waitingReads.Where(r => r.Value.Node == node.Id).Select(r => r.Key).ToList()) waitingReads.Remove(key);
        step++;
        Log($"crash node {node.Id} (persisted last index {node.Storage.LastIndex}, term {node.Storage.HardState.Term})");
    }

    private void RestartSomeDownNode()
    {
        var down = nodes.Where(n => !n.IsUp && n.DownUntil <= now).ToList();
        if (down.Count > 0) Restart(down[random.Next(down.Count)]);
    }

    private void Restart(SimNode node)
    {
        if (node.DownUntil != 0) CompactLeaderPast(node);
        node.DownUntil = 0;
        node.Start(random.Next(), resumeAtCommit: random.Next(2) == 0);
        step++;
        Log($"restart node {node.Id} from term {node.Storage.HardState.Term}, first index {node.Storage.FirstIndex}, last index {node.Storage.LastIndex}, applied {node.LastApplied}");
        // The state rebuilt from the log must be the committed prefix's, and a cut the crash interrupted is made now.
        checker.OnState(node.Id, node.LastApplied, node.StateMachine.State);
        CutIfDue(node);
        ProcessReady(node);
    }

    /// <summary>
    /// By the end of a long outage the leader's retention has deleted the entries after the node's log, so that it
    /// must catch up from a snapshot (unless the leader has not applied that far).
    /// </summary>
    private void CompactLeaderPast(SimNode node)
    {
        if (CurrentLeader() is not { } leader) return;
        var applied = leader.Raft!.AppliedIndex;
        if (applied < leader.Storage.FirstIndex || applied <= node.Storage.LastIndex) return;
        Compact(leader, applied, $"retention while node {node.Id} was down");
    }

    /// <summary>Clients mostly find the leader, but also hit followers; they read as often as they write.</summary>
    private void MaybeActAsClient()
    {
        var roll = random.NextDouble();
        if (roll >= 0.07) return;
        var up = nodes.Where(n => n.IsUp).ToList();
        if (up.Count == 0) return;
        var leader = CurrentLeader();
        var target = leader is not null && random.NextDouble() < 0.7 ? leader : up[random.Next(up.Count)];
        if (roll < 0.05) Propose(target);
        else Read(target);
    }

    private void Propose(SimNode node)
    {
        var count = 1 + random.Next(3);
        var payloads = new ReadOnlyMemory<byte>[count];
        for (var i = 0; i < count; i++) payloads[i] = Encoding.UTF8.GetBytes($"s{seed}-e{proposals++}");
        var result = node.Raft!.Propose(payloads);
        step++;
        if (!result.Accepted) return;
        for (var i = result.FirstIndex; i <= result.LastIndex; i++) waitingClients[(node.Id, i)] = result.Term;
        Log($"node {node.Id} appended {result.FirstIndex}..{result.LastIndex} in term {result.Term}");
        ProcessReady(node);
    }

    private void Read(SimNode node)
    {
        var id = ++nextRequestId;
        waitingReads[id] = (node.Id, checker.MaxAcknowledgedIndex);
        node.Raft!.ReadIndex(id);
        step++;
        ProcessReady(node);
    }

    private void DeliverDue()
    {
        while (network.TryReceive(now, out var message))
        {
            var node = nodes[message.To];
            if (!node.IsUp) continue;
            var raft = node.Raft!;
            step++;
            if (message is RemovedAnswer)
            {
                raft.ReportRemoved();
                Log($"node {node.Id} hears from node {message.From} that it was removed");
                continue;
            }
            if (node.AppliedConfiguration.Removed(message.From))
            {
                // The host answers 410, and the message never reaches the core, only when the sender's removal is
                // committed. A removal still uncommitted may be cut off from the log by a leader elected without it,
                // and that leader may be the very node it removed: refusing its messages would keep this node from
                // ever receiving the log that undoes the removal (seed 3 of commit 69c0c0f, where the rule was the
                // configuration in force). A removal that committed is final: no later leader lacks it.
                network.Send(new RemovedAnswer(node.Id, message.From), now);
                continue;
            }
            raft.Step(message);
            ProcessReady(node);
        }
    }

    private void TickDue()
    {
        foreach (var node in nodes)
        {
            if (!node.IsUp || (now + node.TickPhase) % UnitsPerTick != 0) continue;
            node.Raft!.Tick();
            step++;
            ProcessReady(node);
        }
    }
}
