using System.Net;
using System.Net.Http.Json;

namespace HttpRaft.Tests.Cluster;

/// <summary><c>POST /log</c> with <c>{"entries": [...]}</c>: all entries at consecutive indexes, one answer with the range.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class BatchAppendTests(SharedClusterFixture fixture)
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_batch_commits_at_consecutive_indexes_and_reads_back_in_order()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        string[] entries = ["first", "second", "third ünïcode"];

        using var response = await Cluster.Http.PostAsJsonAsync(Cluster.Api(leader, "/log"), new { entries });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var appended = await response.Content.ReadFromJsonAsync<BatchJson>();
        Assert.Equal(appended!.Index + 2, appended.LastIndex);
        Assert.Equal($"/log?index={appended.Index}&limit=3", response.Headers.Location!.OriginalString);
        var log = await Cluster.Http.GetFromJsonAsync<PageJson>(Cluster.Api(leader, $"/log?index={appended.Index}&limit=3"));
        Assert.Equal(entries, log!.Entries.Select(e => e.Entry));
        Assert.Equal(Enumerable.Range(0, 3).Select(i => appended.Index + i), log.Entries.Select(e => e.Index));
        Assert.All(log.Entries, e => Assert.Equal(appended.Term, e.Term));
    }

    [Fact]
    public async Task A_single_entry_answer_has_no_last_index()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        using var response = await Cluster.Http.PostAsJsonAsync(Cluster.Api(leader, "/log"), new { entry = "alone" });

        var json = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain("lastIndex", json, StringComparison.Ordinal);
    }

    private sealed record BatchJson(long Index, long Term, long LastIndex);
}
