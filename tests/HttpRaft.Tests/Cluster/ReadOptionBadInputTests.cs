using System.Net;
using System.Net.Http.Json;
using HttpRaft.Api;

namespace HttpRaft.Tests.Cluster;

/// <summary>The new read and append options refuse bad values with a 400 problem, and say what a read reflects.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class ReadOptionBadInputTests(SharedClusterFixture fixture)
{
    private TestCluster Cluster => fixture.Cluster;

    [Theory]
    [InlineData("/log?consistency=strong")]
    [InlineData("/log/1?consistency=eventual")]
    [InlineData("/log?wait=-1")]
    [InlineData("/log?wait=60001")]
    [InlineData("/log?wait=soon")]
    public async Task A_bad_read_option_gets_400(string pathAndQuery)
    {
        var leader = await Cluster.WaitForLeaderAsync();
        using var response = await Cluster.Http.GetAsync(Cluster.Api(leader, pathAndQuery));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("a-key-that-is-far-too-long-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task A_bad_idempotency_key_gets_400_and_appends_nothing(string key)
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var before = Cluster.Log(leader).View.LastIndex;
        using var request = new HttpRequestMessage(HttpMethod.Post, Cluster.Api(leader, "/log")) { Content = JsonContent.Create(new { entry = "keyed badly" }) };
        request.Headers.TryAddWithoutValidation(IdempotencyHeader.Name, key);
        using var response = await Cluster.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, Cluster.Log(leader).View.LastIndex);
    }

    [Fact]
    public async Task A_local_read_says_it_is_local_and_names_the_commit_index_it_reflects()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        await Cluster.AppendAsync(leader, "local read");
        var follower = Cluster.OtherThan(leader);
        using var response = await Cluster.Http.GetAsync(Cluster.Api(follower, "/log"));
        var page = (await response.Content.ReadFromJsonAsync<PageJson>())!;
        Assert.Equal("local", page.Consistency);
        Assert.Null(page.ReadIndex);
        Assert.Equal("local", response.Headers.GetValues(ReadConsistency.ConsistencyHeader).Single());
        Assert.Equal(page.CommitIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues(ReadConsistency.CommitIndexHeader).Single());
        Assert.False(response.Headers.Contains(ReadConsistency.ReadIndexHeader));
    }
}
