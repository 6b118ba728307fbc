using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HttpRaft.AspNetCore;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Tests.Log;

/// <summary>
/// A page asked from an index a cut deleted (docs/design.md §8) is answered 410 with <c>firstIndex</c>, whatever the
/// read: found by the fault-injection suite, where readers near the tail got 500 after a DELETE /log because the page
/// read asked the storage for entries below its first index.
/// </summary>
public sealed class DeletedPrefixReadTests
{
    [Theory]
    [InlineData("/log?index=2")]
    [InlineData("/log?index=2&consistency=linearizable")]
    [InlineData("/log?index=2&wait=200")]
    [InlineData("/log?index=5&limit=3")]
    public async Task A_page_from_below_the_first_index_gets_410_naming_the_first_index(string query)
    {
        await using var cluster = TestCluster.Start(size: 1);
        var leader = await CutAsync(cluster);

        using var response = await cluster.Http.GetAsync(cluster.Api(leader, query));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(7, problem.RootElement.GetProperty("firstIndex").GetInt64());
    }

    [Fact]
    public async Task Reading_committed_entries_from_below_the_first_index_returns_an_empty_page_that_names_it()
    {
        await using var cluster = TestCluster.Start(size: 1);
        var leader = await CutAsync(cluster);

        var page = cluster.Log(leader).ReadCommitted(2, 100);

        Assert.Empty(page.Entries);
        Assert.Equal(7, page.FirstIndex);
    }

    [Fact]
    public async Task A_page_from_the_first_index_on_still_reads()
    {
        await using var cluster = TestCluster.Start(size: 1);
        var leader = await CutAsync(cluster);

        var page = await cluster.Http.GetFromJsonAsync<PageJson>(cluster.Api(leader, "/log?index=7"));

        Assert.NotEmpty(page!.Entries);
        Assert.Equal(7, page.Entries[0].Index);
    }

    /// <summary>Ten entries, then everything before index 7 deleted; returns the leader.</summary>
    private static async Task<int> CutAsync(TestCluster cluster)
    {
        var leader = await cluster.WaitForLeaderAsync();
        for (var i = 0; i < 10; i++) await cluster.AppendAsync(leader, $"e{i}");
        var outcome = await cluster.Log(leader).TruncateAsync(7);
        Assert.Equal(TruncateStatus.Truncated, outcome.Status);
        Assert.Equal(7, outcome.FirstIndex);
        return leader;
    }
}
