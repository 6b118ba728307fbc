using System.Diagnostics;
using System.Text;

namespace HttpRaft.Tests.Cluster;

/// <summary>
/// A commit needs a majority of fsyncs: a follower that has received an entry but not yet synced it does not count,
/// however its acknowledgement is sent (the peer sender may write it from the node loop's own thread).
/// </summary>
public sealed class FollowerFsyncCommitTests
{
    [Fact]
    public async Task An_entry_does_not_commit_while_the_only_reachable_follower_has_not_synced_it()
    {
        var stalls = new Dictionary<int, StallingStorage>();
        await using var cluster = TestCluster.Start(ClusterLayout.Create(3), wrapStorage: (id, disk) => stalls[id] = new StallingStorage(disk));
        var leader = await cluster.WaitForLeaderAsync();
        var before = await cluster.AppendAsync(leader, "before the stall");
        var followers = cluster.RunningIds.Where(id => id != leader).ToList();
        var (held, cutOff) = (followers[0], followers[1]);

        // The leader's majority is now itself and a follower whose disk writes (and so its fsync) hang.
        cluster.Partition.Isolate(cutOff);
        stalls[held].Stall();
        var append = cluster.Log(leader).AppendAsync([Encoding.UTF8.GetBytes("while the follower's fsync is held")]);
        await Eventually.HoldsAsync(() => cluster.Log(leader).View.LastIndex > before, "the leader to append (and sync) the entry");
        var entryIndex = cluster.Log(leader).View.LastIndex;

        // A window in which nothing may happen, shorter than an election timeout (250 ms here) so the leader stays.
        var window = Stopwatch.StartNew();
        while (window.ElapsedMilliseconds < 100)
        {
            Assert.True(cluster.Log(leader).View.CommitIndex < entryIndex, "committed without the follower's fsync");
            Assert.False(append.IsCompleted, "answered without the follower's fsync");
            await Task.Delay(5);
        }

        stalls[held].Release();
        var result = await append.WaitAsync(Eventually.DefaultTimeout);
        cluster.Partition.Heal();

        Assert.True(result.Committed, $"append: {result.Outcome}");
        Assert.Equal(entryIndex, result.FirstIndex);
    }
}
