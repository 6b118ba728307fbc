using HttpRaft.AspNetCore;

namespace HttpRaft.Tests.Cluster;

/// <summary>An entry too large to replicate is refused up front, so it can never wedge the log behind it.</summary>
public sealed class OversizedEntryTests
{
    [Fact]
    public async Task An_entry_over_the_maximum_is_refused_through_IRaftLog_and_the_cluster_keeps_committing()
    {
        await using var cluster = TestCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();

        var big = await cluster.Log(leader).AppendAsync([new byte[3 * 1024 * 1024]]);
        var small = await cluster.Log(leader).AppendAsync([new byte[] { 1 }]);

        Assert.Equal(AppendOutcome.TooLarge, big.Outcome);
        Assert.True(small.Committed, $"small after big: {small.Outcome}");
    }
}
