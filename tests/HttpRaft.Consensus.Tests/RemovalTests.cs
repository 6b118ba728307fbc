using HttpRaft.Consensus.Tests.Harness;

namespace HttpRaft.Consensus.Tests;

/// <summary>How a leader lets go of a member it removes (dissertation §4.2.3): it replicates to it until the removal commits, then once more, then never.</summary>
public sealed class RemovalTests
{
    [Fact]
    public void A_removed_member_keeps_receiving_entries_until_its_removal_commits()
    {
        // §4.2.3: the removed server must receive the entry that removes it, and anything appended before that entry
        // commits, or it would time out and campaign. Node 1's copy of the removal is held back so it cannot commit.
        var (cluster, leader, removal, heldForNode1) = RemovalNotYetCommitted();

        leader.Raft.Propose(Logs.Payload("before the removal commits"));
        cluster.HandleReady(leader.Id);

        Assert.True(leader.Raft.CommitIndex < removal.Index);
        Assert.True(leader.Status.Followers.ContainsKey(2));
        var toRemoved = Assert.Single(cluster.InFlight.OfType<AppendRequest>(), m => m.To == 2);
        Assert.Equal(["before the removal commits"], toRemoved.Entries.Select(e => e.Text()));
        Assert.NotEmpty(heldForNode1);
    }

    [Fact]
    public void Once_its_removal_commits_the_removed_member_is_sent_the_commit_index_once_more_and_then_dropped()
    {
        // The removed server learns that its removal committed (so it knows it is out for good) and is then no longer
        // replicated to: nothing else is sent to it, nor counted, nor shown as a follower.
        var (cluster, leader, removal, heldForNode1) = RemovalNotYetCommitted();

        foreach (var message in heldForNode1) cluster.Deliver(message);
        cluster.DeliverWhere(m => m is AppendResponse { From: 1 });

        Assert.Equal(removal.Index, leader.Raft.CommitIndex);
        Assert.False(leader.Status.Followers.ContainsKey(2));
        cluster.DeliverWhere(m => m.To == 2);
        Assert.Equal(removal.Index, cluster[2].Raft.CommitIndex);
        Assert.True(cluster[2].Raft.Removed);

        leader.Raft.Propose(Logs.Payload("after the removal"));
        cluster.Stabilize();
        Assert.Equal(removal.Index, cluster[2].Raft.LastIndex);
    }

    /// <summary>
    /// Three voters led by node 0, which has appended the removal of node 2: node 2 holds it and acknowledged it (an
    /// acknowledgement that does not count); the appends to node 1 are returned undelivered.
    /// </summary>
    private static (Cluster Cluster, TestNode Leader, ChangeResult Removal, List<Message> HeldForNode1) RemovalNotYetCommitted()
    {
        var cluster = Cluster.Create(3);
        var leader = cluster.Elect(0);
        var removal = leader.Raft.ProposeChange(new MembershipChange.Remove(2));
        Assert.True(removal.Accepted);
        cluster.HandleReady(leader.Id);
        var heldForNode1 = cluster.Take(m => m.To == 1);
        cluster.DeliverWhere(m => m.To == 2);
        cluster.DeliverWhere(m => m.From == 2);
        Assert.Equal(removal.Index, cluster[2].Raft.LastIndex);
        Assert.True(leader.Raft.CommitIndex < removal.Index);
        return (cluster, leader, removal, heldForNode1);
    }
}
