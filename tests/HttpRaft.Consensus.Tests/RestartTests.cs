using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>Crash and restart: a node comes back with exactly what it persisted — no more, no less.</summary>
public sealed class RestartTests
{
    [Fact]
    public void A_restarted_follower_resumes_from_its_disk_and_applies_each_entry_once()
    {
        // Dissertation §3.8: a restarted server recovers its log, term and vote from stable storage and rejoins as a follower.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose([Logs.Payload("a"), Logs.Payload("b")]);
        cluster.Stabilize();
        var follower = cluster[1];
        var persisted = follower.PersistedLog.Shape();

        cluster.Restart(1);

        Assert.Equal((Role.Follower, leader.Term, RaftNode.None), (follower.Role, follower.Term, follower.Raft.LeaderId));
        Assert.Equal((3L, 3L), (follower.Raft.LastIndex, follower.Raft.CommitIndex));
        leader.Raft.Propose(Logs.Payload("c"));
        cluster.Run(cluster.Options.HeartbeatTicks);

        Assert.Equal(persisted, follower.PersistedLog.Shape().Take(3));
        Assert.Equal(["", "a", "b", "c"], follower.Applied.Select(e => e.Text()));
        Assert.Equal(0, follower.Raft.LeaderId);
    }

    [Fact]
    public void A_restarted_node_without_a_durable_state_machine_replays_its_committed_entries_from_disk()
    {
        // Dissertation §3.8 and §5.1: the commit index is recovered with the log, and committed entries are applied again.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        leader.Raft.Propose([Logs.Payload("a"), Logs.Payload("b")]);
        cluster.Stabilize();
        cluster.Run(cluster.Options.HeartbeatTicks); // Followers learn the final commit index.

        cluster.Restart(1, replay: true);
        cluster.HandleReady(1);

        Assert.Equal(["", "a", "b"], cluster[1].Applied.Select(e => e.Text()));
        Assert.Empty(cluster.InFlight);
    }

    [Fact]
    public void A_node_that_crashes_before_persisting_forgets_the_entries_and_never_acknowledged_them()
    {
        // Dissertation §3.8: an acknowledgement promises the entries are on disk, so it is sent only after the write.
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var proposal = leader.Raft.Propose(Logs.Payload("x"));
        cluster.HandleReady(0);
        var append = Assert.Single(cluster.Take(m => m is AppendRequest { To: 1 }));

        cluster[1].Raft.Step(append); // Received, but the node crashes before it handles the resulting Ready.
        cluster.Restart(1);

        Assert.Equal(proposal.LastIndex - 1, cluster[1].Raft.LastIndex);
        Assert.DoesNotContain(cluster.InFlight, m => m is AppendResponse { From: 1 });
        Assert.Equal(proposal.LastIndex - 1, leader.Status.Followers[1].MatchIndex);

        cluster.Run(2 * cluster.Options.HeartbeatTicks);
        Assert.Equal(leader.PersistedLog.Shape(), cluster[1].PersistedLog.Shape());
    }
}
