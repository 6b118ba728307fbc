using System.Globalization;
using System.Net;
using HttpRaft.Consensus;
using HttpRaft.Tests.Cluster;
using HttpRaft.Tests.Security;

namespace HttpRaft.Tests.Peers;

/// <summary>
/// Messages an authenticated but broken or hostile peer could send: huge terms, indexes far beyond the log,
/// negative indexes, enormous batches. Each is refused at the door or ignored by the core; none deposes the leader,
/// grows a log, or stops the cluster committing.
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class HostilePeerMessageTests(SharedClusterFixture fixture)
{
    private const long FarBeyond = 1_000_000_000_000;

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_message_a_million_terms_ahead_is_rejected_and_the_leader_keeps_its_term()
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();
        var forged = term + PeerMessageLimitsLead + 1;

        using var response = await PostAsync(leader, "/raft/heartbeat-response", $$"""{"from": {{follower}}, "to": {{leader}}, "term": {{forged}}, "readRound": 0}""");

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.True((await StatusAsync(leader)).Term < forged);
        await AssertStillCommitsAsync();
    }

    [Fact]
    public async Task A_vote_request_from_a_later_term_does_not_depose_a_leader_in_its_lease()
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();
        var forged = term + 1_000;

        using var response = await PostAsync(leader, "/raft/vote", $$"""{"from": {{follower}}, "to": {{leader}}, "term": {{forged}}, "preVote": false, "lastLogIndex": {{FarBeyond}}, "lastLogTerm": {{forged}}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True((await StatusAsync(leader)).Term < forged, "the leader adopted the forged term");
        await AssertStillCommitsAsync();
    }

    [Fact]
    public async Task An_append_far_beyond_the_log_is_refused_by_the_follower()
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();
        var before = await StatusAsync(follower);

        using var response = await PostAsync(follower, "/raft/append", $$"""
            {"from": {{leader}}, "to": {{follower}}, "term": {{term}}, "prevLogIndex": {{FarBeyond}}, "prevLogTerm": {{term}},
             "entries": [{"index": {{FarBeyond + 1}}, "term": {{term}}, "kind": 0, "data": "Zm9yZ2Vk"}], "leaderCommit": {{FarBeyond + 1}}}
            """);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var after = await StatusAsync(follower);
        Assert.True(after.LastIndex < before.LastIndex + 1_000, $"the follower's log jumped to {after.LastIndex}");
        Assert.True(after.CommitIndex <= after.LastIndex);
        await AssertStillCommitsAsync();
    }

    [Fact]
    public async Task A_heartbeat_with_a_commit_far_beyond_the_log_commits_nothing_that_is_not_there()
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();

        using var response = await PostAsync(follower, "/raft/heartbeat", $$"""{"from": {{leader}}, "to": {{follower}}, "term": {{term}}, "commit": {{FarBeyond}}, "readRound": 0}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var after = await StatusAsync(follower);
        Assert.True(after.CommitIndex <= after.LastIndex, $"commit index {after.CommitIndex} beyond last index {after.LastIndex}");
        await AssertStillCommitsAsync();
    }

    [Theory]
    [InlineData("\"prevLogIndex\": -1, \"prevLogTerm\": 0")]
    [InlineData("\"prevLogIndex\": 0, \"prevLogTerm\": -3")]
    public async Task Negative_indexes_and_terms_are_rejected(string prev)
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();

        using var response = await PostAsync(follower, "/raft/append", $$"""{"from": {{leader}}, "to": {{follower}}, "term": {{term}}, {{prev}}, "entries": [], "leaderCommit": 0}""");

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_append_with_an_enormous_entries_array_is_rejected()
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();
        var last = (await StatusAsync(follower)).LastIndex;
        // 50,000 empty entries: within the body limit (about 2.3 MB of 4 MiB), beyond the 43,691 a 1 MiB batch can hold.
        var entries = string.Join(",", Enumerable.Range(1, 50_000).Select(i => $$"""{"index": {{last + i}}, "term": {{term}}, "kind": 0, "data": ""}"""));
        var body = $$"""{"from": {{leader}}, "to": {{follower}}, "term": {{term}}, "prevLogIndex": {{last}}, "prevLogTerm": {{term}}, "entries": [{{entries}}], "leaderCommit": 0}""";

        using var response = await PostAsync(follower, "/raft/append", body);

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.True((await StatusAsync(follower)).LastIndex < last + 50_000);
        await AssertStillCommitsAsync();
    }

    private static long PeerMessageLimitsLead => HttpRaft.AspNetCore.Peers.PeerMessageLimits.MaxTermLead;

    private async Task<(int Leader, int Follower, long Term)> LeaderAndFollowerAsync()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        return (leader, Cluster.OtherThan(leader), Cluster.Log(leader).View.Term);
    }

    private Task<HttpResponseMessage> PostAsync(int id, string path, string body) => Cluster.PostPeerAsync(id, path, body, token: null);

    /// <summary>The node's status through its inbox, which is first in, first out: every message posted before has been stepped.</summary>
    private Task<RaftStatus> StatusAsync(int id) => Cluster.Log(id).GetStatusAsync();

    private async Task AssertStillCommitsAsync()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        await Cluster.AppendAsync(leader, "still committing " + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture));
    }
}
