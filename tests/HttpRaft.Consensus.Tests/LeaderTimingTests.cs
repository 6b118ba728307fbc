using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>A leader's clocks: heartbeats every HeartbeatTicks, a quorum check every ElectionTicks.</summary>
public sealed class LeaderTimingTests
{
    [Fact]
    public void A_leader_sends_every_follower_a_heartbeat_every_HeartbeatTicks_ticks()
    {
        // §5.2: heartbeats at a fixed interval well inside the election timeout keep followers from campaigning.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var heartbeatTicks = cluster.Options.HeartbeatTicks;

        var sentAt = new List<int>();
        for (var tick = 1; tick <= 3 * heartbeatTicks; tick++)
        {
            cluster.Tick(leader.Id);
            var heartbeats = cluster.Take(m => m is Heartbeat);
            if (heartbeats.Count > 0) sentAt.Add(tick);
            Assert.True(heartbeats.Count is 0 or 2, $"tick {tick}: {heartbeats.Count} heartbeats");
        }

        Assert.Equal([heartbeatTicks, 2 * heartbeatTicks, 3 * heartbeatTicks], sentAt);
    }

    [Fact]
    public void A_leader_checks_its_quorum_once_per_election_timeout_and_steps_down_at_the_first_check_that_finds_none()
    {
        // Dissertation §6.2: the check looks back one election timeout. Cut off right after its election, the leader
        // still counts the answers that elected it at the first check, and finds no majority at the second.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var electionTicks = cluster.Options.ElectionTicks;
        cluster.Isolate(leader.Id);

        cluster.Tick(leader.Id, (2 * electionTicks) - 1);
        Assert.Equal(Role.Leader, leader.Role);

        cluster.Tick(leader.Id);
        Assert.Equal(Role.Follower, leader.Role);
    }

    [Fact]
    public void A_leader_counts_the_ticks_since_it_last_heard_from_each_follower()
    {
        // What the status shows an operator as a follower's silence: it grows by one per tick and any message resets it.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);

        cluster.Tick(leader.Id, 3);
        Assert.All(leader.Status.Followers.Values, f => Assert.Equal(3, f.TicksSinceHeard));

        cluster.DeliverWhere(m => m is Heartbeat { To: 1 });
        cluster.DeliverWhere(m => m is HeartbeatResponse);

        Assert.Equal((0, 3), (leader.Status.Followers[1].TicksSinceHeard, leader.Status.Followers[2].TicksSinceHeard));
    }
}
