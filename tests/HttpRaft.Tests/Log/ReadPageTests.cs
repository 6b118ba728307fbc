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

        Assert.Equal(SizeLimits.MaxPageBytes / (512 * 1024), page.Entries.Count);
    }

    [Fact]
    public async Task A_limit_above_the_configured_page_maximum_gets_400()
    {
        await using var cluster = TestCluster.Start(ClusterLayout.Create(1) with { Extra = [new("HttpRaft:MaxPageEntries", "5")] });
        var leader = await cluster.WaitForLeaderAsync();

        using var allowed = await cluster.Http.GetAsync(cluster.Api(leader, "/log?limit=5"));
        using var refused = await cluster.Http.GetAsync(cluster.Api(leader, "/log?limit=6"));

        Assert.Equal(System.Net.HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("between 1 and 5", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
