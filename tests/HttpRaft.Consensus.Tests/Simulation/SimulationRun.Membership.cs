using HttpRaft.Consensus;

namespace HttpRaft.Consensus.Tests.Simulation;

/// <summary>
/// The operator's membership changes: add a learner (a new node, started at once with an empty log and no
/// configuration), sometimes asking to be promoted once caught up; promote a learner; remove a member, voter or
/// learner. An operator has one request at a time and retries it on the leader, as a client of the host's
/// <c>/cluster/members</c> would, until it is appended or makes no sense any more; so requests arrive just after
/// elections, while a new leader has not committed in its term. Removed nodes stay up and can crash and restart.
/// </summary>
internal sealed partial class SimulationRun
{
    /// <summary>Nodes a run may add beyond the bootstrap voters (ids are never reused, so this bounds the ids).</summary>
    private const int MaxJoiners = 8;
    /// <summary>Members (voters and learners) a configuration may list before the schedule stops adding.</summary>
    private const int MaxMembers = 9;

    private MembershipChange? request;
    private long retryAt;

    private void MaybeChangeMembership()
    {
        if (now < retryAt) return;
        if (request is null)
        {
            if (random.NextDouble() >= profile.MembershipRequest || CurrentLeader() is not { } seen) return;
            request = NewRequest(seen.Raft!.Configuration);
            if (request is null) return;
            Log($"operator asks for {request}");
        }
        if (CurrentLeader() is not { } leader)
        {
            retryAt = now + 1 + random.Next(UnitsPerTick);
            return;
        }
        TryRequest(leader);
    }

    /// <summary>
    /// An operator who was waiting for a leader (a 503 from the host) asks as soon as one is elected, before it has
    /// committed an entry of its term: the moment the leader must refuse changes (Ongaro, raft-dev, 2015).
    /// </summary>
    private void OnElected(SimNode leader)
    {
        if (request is not null || now >= ChaosTicks * UnitsPerTick || random.NextDouble() >= profile.EagerOperator) return;
        request = NewRequest(leader.Raft!.Configuration);
        if (request is null) return;
        retryAt = now;
        Log($"operator asks for {request} as soon as node {leader.Id} leads");
    }

    /// <summary>A request that keeps every configuration within 1..<see cref="MaxVoters"/> voters, or sometimes one the leader must refuse.</summary>
    private MembershipChange? NewRequest(Configuration configuration)
    {
        var roll = random.NextDouble();
        if (roll < 0.4)
        {
            return new MembershipChange.AddLearner($"sim-{seed}-{configuration.NextId}", PromoteWhenCaughtUp: random.Next(2) == 0);
        }
        if (roll < 0.6)
        {
            // Only learners that did not ask to be promoted are promoted on request, so that the checker can tell the
            // leader's automatic promotions apart.
            var learners = configuration.Members.Where(m => m is { IsVoter: false, PromoteWhenCaughtUp: false }).ToList();
            return learners.Count > 0 ? new MembershipChange.Promote(learners[random.Next(learners.Count)].Id) : null;
        }
        if (roll < 0.95) return new MembershipChange.Remove(configuration.Members[random.Next(configuration.Members.Count)].Id);
        // Nonsense the leader must refuse: an unknown or removed id, or promoting a voter.
        var id = random.Next(nodes.Count + 1);
        return random.Next(2) == 0 ? new MembershipChange.Remove(id) : new MembershipChange.Promote(id);
    }

    private void TryRequest(SimNode leader)
    {
        var raft = leader.Raft!;
        if (!WithinBounds(request!, raft.Configuration))
        {
            Log($"operator drops {request}: out of the schedule's bounds");
            request = null;
            return;
        }
        if (request is MembershipChange.Remove remove && remove.Id == leader.Id)
        {
            // The core refuses to remove its leader; the host hands leadership over first and the next leader removes it.
            TransferLeadership(RaftNode.None);
            retryAt = now + UnitsPerTick * (1 + random.Next(5));
            return;
        }
        var result = raft.ProposeChange(request!);
        step++;
        Log($"node {leader.Id} {request}: {(result.Accepted ? $"appended at {result.Index} in term {result.Term}, {result.Configuration}" : result.Rejection)}");
        switch (result.Rejection)
        {
            case ChangeRejection.None:
                if (request is MembershipChange.AddLearner) Join(result.Member!.Id);
                request = null;
                retryAt = now + UnitsPerTick * random.Next(10);
                ProcessReady(leader);
                break;
            case ChangeRejection.Pending or ChangeRejection.NotLeader or ChangeRejection.NotCaughtUp:
                retryAt = now + 1 + random.Next(UnitsPerTick);
                break;
            default:
                request = null;
                break;
        }
    }

    /// <summary>
    /// The bounds hold for every configuration a leader derives from <paramref name="configuration"/>: counting
    /// learners that asked for promotion as voters already, adds and promotions never pass <see cref="MaxVoters"/>;
    /// adds stop at <see cref="MaxMembers"/> members and <see cref="MaxJoiners"/> new ids.
    /// </summary>
    private bool WithinBounds(MembershipChange change, Configuration configuration) => change switch
    {
        MembershipChange.AddLearner add => configuration.NextId < ClusterSize + MaxJoiners && configuration.Members.Count < MaxMembers
            && (!add.PromoteWhenCaughtUp || VotersIfAllPromoted(configuration) < MaxVoters),
        MembershipChange.Promote promote when configuration.Find(promote.Id) is { IsVoter: false } learner =>
            !learner.PromoteWhenCaughtUp && VotersIfAllPromoted(configuration) < MaxVoters,
        _ => true,
    };

    private static int VotersIfAllPromoted(Configuration configuration) =>
        configuration.Members.Count(m => m.IsVoter || m.PromoteWhenCaughtUp);

    /// <summary>
    /// Starts the node an accepted add names, unless it runs already: an add that a later leader cut off from the log
    /// leaves its node running, and the next add gets the same id back (ids are only final once committed).
    /// </summary>
    private void Join(int id)
    {
        if (id < nodes.Count) return;
        if (id != nodes.Count) throw new InvalidOperationException($"Node {id} was added, but only ids up to {nodes.Count} exist.");
        var node = new SimNode(id, Configuration.Empty, random.Next(UnitsPerTick), configure);
        nodes.Add(node);
        network.Grow(nodes.Count);
        node.Start(random.Next());
        Log($"node {id} starts with an empty log to join");
    }
}
