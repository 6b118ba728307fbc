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
}
