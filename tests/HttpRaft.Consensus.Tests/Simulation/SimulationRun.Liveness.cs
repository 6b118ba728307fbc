using System.Text;
using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// Liveness once the faults stop (docs/testing.md, Liveness): the network is reliable and in order with delays of at
/// most <see cref="SimNetwork.MaxDelay"/>, and every node is up. Then a leader must be elected, it must commit every
/// entry still pending and a new one, every member's commit index must reach that entry, and in the steady state that
/// follows a proposal must commit on every member within three message delays. Each bound is derived from the timing
/// settings and, for catching up, from how far behind each member is; a run that misses one fails with its seed.
/// </summary>
internal sealed partial class SimulationRun
{
    /// <summary>
    /// Election rounds allowed after the leases expire. A round fails when another voter times out within the round's
    /// message delays (a split vote) or when the first to time out holds a stale log; the timeouts are drawn
    /// independently in [E, 2E), so five failures in a row are rare, and the seeds show how rare (docs/testing.md).
    /// </summary>
    private const int ElectionRounds = 5;

    /// <summary>Leaders that may follow one another after healing before the run counts as unable to settle.</summary>
    private const int MaxLeadersAfterHealing = 3;

    /// <summary>Proposals made once every member is up to date, each checked against the steady-state bound.</summary>
    private const int SteadyProposals = 5;

    /// <summary>Ticks from healing to the first leader.</summary>
    public long TicksToLeader { get; private set; }

    /// <summary>The longest catch-up of this run (a leader's election to every member holding its new entry committed), in percent of its bound.</summary>
    public long CatchUpShareOfBound { get; private set; }

    private RaftConfig Timing => configure(new RaftConfig { Id = 0, Bootstrap = Configuration.Empty });

    /// <summary>Runs the quiet phase after healing; returns the leader the cluster settled on.</summary>
    private SimNode RunUntilLive()
    {
        var healedAt = now;
        var leader = AwaitLeader(ElectionBoundTicks(drainFirst: true), "after the faults healed");
        TicksToLeader = (now - healedAt) / UnitsPerTick;
        for (var leaders = 1; AwaitCaughtUp(leader) is { } next; leaders++)
        {
            if (leaders == MaxLeadersAfterHealing)
            {
                throw new SimulationFailureException($"Liveness: {leaders + 1} leaders followed one another after the faults healed; leadership never settled.");
            }
            leader = next;
        }
        ProposeInSteadyState(leader);
        return leader;
    }

    /// <summary>
    /// A leader must emerge within: the messages still on the wire (a long delay, at most LongDelay + MaxDelay time
    /// units) arriving, the check-quorum lease (E ticks) in which voters refuse to vote, then
    /// <see cref="ElectionRounds"/> rounds of an election timeout (at most 2E ticks) and the two round trips of a
    /// pre-vote and a vote. A leader lost later gets the same bound without the drain.
    /// </summary>
    private long ElectionBoundTicks(bool drainFirst)
    {
        var e = Timing.ElectionTicks;
        var drain = drainFirst ? CeilTicks(network.LongDelay + network.MaxDelay) : 0;
        return drain + e + (ElectionRounds * ((2 * e) + CeilTicks(4 * network.MaxDelay)));
    }

    /// <summary>Each loop of the quiet phase checks before it delivers and ticks a time unit, so that no unit is run twice.</summary>
    private SimNode AwaitLeader(long boundTicks, string since)
    {
        var deadline = now + (boundTicks * UnitsPerTick);
        for (; now <= deadline; now++)
        {
            if (CurrentLeader() is { } leader) return leader;
            DeliverDue();
            TickDue();
        }
        throw new SimulationFailureException($"Liveness: no leader within {boundTicks} ticks {since} (election timeout {Timing.ElectionTicks} ticks, {ElectionRounds} rounds).");
    }

    /// <summary>
    /// The new leader proposes an entry and must commit it, with every entry still pending before it, and every member
    /// of the configuration must hold it committed, within <see cref="CatchUpBoundTicks"/>. Returns null when it did,
    /// or the leader that took over meanwhile, which must then do the same.
    /// </summary>
    private SimNode? AwaitCaughtUp(SimNode leader)
    {
        var electedAt = now;
        var bound = CatchUpBoundTicks(leader);
        var deadline = now + (bound * UnitsPerTick);
        (long Index, long Term)? probe = null;
        for (; now <= deadline; now++)
        {
            if (CurrentLeader() is not { } current)
            {
                Log($"leader {leader.Id} lost its leadership while members caught up");
                return AwaitLeader(ElectionBoundTicks(drainFirst: false), $"after leader {leader.Id} of term {leader.Raft!.Term} was lost");
            }
            if (current != leader) return current;
            // A transfer still under way refuses proposals until it ends, within an election timeout.
            probe ??= TryPropose(leader, "catch-up probe");
            if (probe is { } p && EveryMemberCommitted(p.Index, p.Term))
            {
                CatchUpShareOfBound = Math.Max(CatchUpShareOfBound, 100 * (now - electedAt) / Math.Max(1, bound * UnitsPerTick));
                return null;
            }
            DeliverDue();
            TickDue();
        }
        var laggards = leader.Raft!.Configuration.Members.Select(m => nodes[m.Id]).Where(n => probe is not { } p || !HasCommitted(n, p.Index, p.Term));
        throw new SimulationFailureException(
            $"Liveness: leader {leader.Id} of term {leader.Raft.Term} did not commit {(probe is { } q ? $"entry {q.Index}" : "a new entry")} on every member within {bound} ticks of its election; " +
            $"behind: {string.Join(", ", laggards.Select(n => $"node {n.Id} (commit {n.Raft!.CommitIndex}, last {n.Raft.LastIndex})"))}; leader commit {leader.Raft.CommitIndex}, last {leader.Raft.LastIndex}.");
    }

    /// <summary>
    /// Every member needs at most: probing back over the entries it may hold in conflict (one rejection per term of the
    /// leader's log after the member's commit index, and one to reach its last index), the snapshot's pieces if the
    /// leader no longer holds the entries after that commit index (and one start over), each of these a round trip plus
    /// a heartbeat (a paused probe waits for one), then the entries it lacks at one entry per message and
    /// MaxInflightMessages messages per round trip, and two round trips for the new entry and its commit. On top: an
    /// election timeout in which a transfer started during the faults refuses proposals, and a heartbeat.
    /// </summary>
    private long CatchUpBoundTicks(SimNode leader)
    {
        var timing = Timing;
        var roundTrip = 2 * network.MaxDelay;
        var waitingRound = roundTrip + (timing.HeartbeatTicks * UnitsPerTick);
        var log = leader.Storage;
        long worst = 0;
        foreach (var member in leader.Raft!.Configuration.Members.Where(m => m.Id != leader.Id))
        {
            var from = Math.Min(nodes[member.Id].Raft!.CommitIndex, log.LastIndex);
            long waiting = 1;
            if (from < log.FirstIndex - 1)
            {
                waiting += 1 + ((log.Snapshot!.Data.Length + timing.MaxBytesPerMessage - 1) / timing.MaxBytesPerMessage);
                from = log.FirstIndex - 1;
            }
            waiting += TermsAfter(log, from);
            var pipelined = 2 + ((leader.Raft.LastIndex - from + timing.MaxInflightMessages - 1) / timing.MaxInflightMessages);
            worst = Math.Max(worst, (waiting * waitingRound) + (pipelined * roundTrip));
        }
        return timing.ElectionTicks + timing.HeartbeatTicks + CeilTicks(worst);
    }

    private static long TermsAfter(MemoryStorage log, long index)
    {
        var terms = 0;
        long last = -1;
        for (var i = index + 1; i <= log.LastIndex; i++)
        {
            var term = log.Term(i);
            if (term == last) continue;
            terms++;
            last = term;
        }
        return terms;
    }

    /// <summary>
    /// With every member holding the leader's whole log committed, a proposal needs three message delays to commit
    /// everywhere: the entry out, the acknowledgements back, the commit index out (with the next message, or at once to
    /// a follower whose acknowledgement came after the commit). A heartbeat must never be what carries it.
    /// </summary>
    private void ProposeInSteadyState(SimNode leader)
    {
        var bound = 3 * network.MaxDelay;
        for (var i = 0; i < SteadyProposals; i++)
        {
            // Proposals fall at different points of the heartbeat interval.
            var idleUntil = now + random.Next(2 * Timing.HeartbeatTicks * UnitsPerTick);
            for (; now < idleUntil; now++)
            {
                DeliverDue();
                TickDue();
            }
            AwaitQuiet(leader);
            var proposedAt = now;
            var (index, term) = TryPropose(leader, "steady-state proposal")
                ?? throw new SimulationFailureException($"Liveness: leader {leader.Id} refused a proposal in the steady state.");
            for (; !EveryMemberCommitted(index, term); now++)
            {
                if (now - proposedAt > bound)
                {
                    var behind = leader.Raft!.Configuration.Members.Select(m => nodes[m.Id]).Where(n => !HasCommitted(n, index, term));
                    throw new SimulationFailureException(
                        $"Liveness: entry {index} proposed at tick {proposedAt / UnitsPerTick}.{proposedAt % UnitsPerTick} in the steady state was not committed on every member within {bound} time units (three message delays); " +
                        $"behind: {string.Join(", ", behind.Select(n => $"node {n.Id} (commit {n.Raft!.CommitIndex})"))}.");
                }
                DeliverDue();
                TickDue();
            }
        }
    }

    /// <summary>
    /// Runs until every member holds the leader's last entry committed, within the catch-up bound: a learner the leader
    /// promoted meanwhile appended a configuration entry, and with one message in flight per follower a proposal would
    /// wait behind it. The steady-state bound is for a cluster with nothing in flight.
    /// </summary>
    private void AwaitQuiet(SimNode leader)
    {
        var deadline = now + (CatchUpBoundTicks(leader) * UnitsPerTick);
        for (; now <= deadline; now++)
        {
            if (CurrentLeader() != leader) throw new SimulationFailureException($"Liveness: leader {leader.Id} lost its leadership in the steady state.");
            var last = leader.Raft!.LastIndex;
            if (EveryMemberCommitted(last, leader.Storage.Term(last))) return;
            DeliverDue();
            TickDue();
        }
        throw new SimulationFailureException($"Liveness: leader {leader.Id}'s last entry {leader.Raft!.LastIndex} did not commit on every member in the steady state.");
    }

    private (long Index, long Term)? TryPropose(SimNode leader, string what)
    {
        var result = leader.Raft!.Propose(Encoding.UTF8.GetBytes($"{what}@{now}"));
        step++;
        if (!result.Accepted) return null;
        Log($"node {leader.Id} appended {what} {result.LastIndex} in term {result.Term}");
        ProcessReady(leader);
        return (result.LastIndex, result.Term);
    }

    /// <summary>The leader committed the entry, and so did every member of the configuration in force at it.</summary>
    private bool EveryMemberCommitted(long index, long term) =>
        index <= checker.CommittedThrough && checker.ConfigurationAt(index).Members.All(m => HasCommitted(nodes[m.Id], index, term));

    private static long CeilTicks(long units) => (units + UnitsPerTick - 1) / UnitsPerTick;
}
