using HttpRaft.AspNetCore;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Tests.Log;

/// <summary>A page of the log is bounded in bytes as well as entries, so large entries cannot exhaust memory.</summary>
public sealed class ReadPageTests
{
    [Fact]
    public async Task A_page_of_large_entries_stops_at_the_byte_cap()
    {
        await using var cluster = TestCluster.Start(size: 1);
        var leader = await cluster.WaitForLeaderAsync();
        var entry = new ReadOnlyMemory<byte>(new byte[512 * 1024]);
        var appended = await cluster.Log(leader).AppendAsync(Enumerable.Repeat(entry, 10).ToList());
        Assert.True(appended.Committed, $"append: {appended.Outcome}");

        var page = cluster.Log(leader).ReadCommitted(1, 1000);

        Assert.Equal(IRaftLog.MaxPageBytes / (512 * 1024), page.Entries.Count);
    }
}
