using System.Globalization;
using System.Net;
using HttpRaft.AspNetCore;
using HttpRaft.Consensus;
using HttpRaft.Tests.Cluster;

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
        var forged = term + SizeLimits.MaxTermLead + 1;

        using var response = await PostAsync(leader, new HeartbeatResponse(follower, leader, forged, 0));

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.True((await StatusAsync(leader)).Term < forged);
        await AssertStillCommitsAsync();
    }

    [Fact]
    public async Task A_vote_request_from_a_later_term_does_not_depose_a_leader_in_its_lease()
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();
        var forged = term + 1_000;

        using var response = await PostAsync(leader, new VoteRequest(follower, leader, forged, false, FarBeyond, forged));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True((await StatusAsync(leader)).Term < forged, "the leader adopted the forged term");
        await AssertStillCommitsAsync();
    }

    [Fact]
    public async Task An_append_far_beyond_the_log_is_refused_by_the_follower()
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();
        var before = await StatusAsync(follower);

        using var response = await PostAsync(follower, new AppendRequest(leader, follower, term, FarBeyond, term, [Entry.Normal(FarBeyond + 1, term, "forged"u8.ToArray())], FarBeyond + 1));

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

        using var response = await PostAsync(follower, new Heartbeat(leader, follower, term, FarBeyond, 0));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var after = await StatusAsync(follower);
        Assert.True(after.CommitIndex <= after.LastIndex, $"commit index {after.CommitIndex} beyond last index {after.LastIndex}");
        await AssertStillCommitsAsync();
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -3)]
    public async Task Negative_indexes_and_terms_are_rejected(long prevLogIndex, long prevLogTerm)
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();

        using var response = await PostAsync(follower, new AppendRequest(leader, follower, term, prevLogIndex, prevLogTerm, [], 0));

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_append_with_an_enormous_entries_array_is_rejected()
    {
        var (leader, follower, term) = await LeaderAndFollowerAsync();
        var last = (await StatusAsync(follower)).LastIndex;
        // 50,000 empty entries: within the frame limit (about 1.05 MB), beyond the 43,691 a 1 MiB batch can hold.
        var entries = Enumerable.Range(1, 50_000).Select(i => Entry.Normal(last + i, term, default)).ToArray();

        using var response = await PostAsync(follower, new AppendRequest(leader, follower, term, last, term, entries, 0));

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.True((await StatusAsync(follower)).LastIndex < last + 50_000);
        await AssertStillCommitsAsync();
    }

    private async Task<(int Leader, int Follower, long Term)> LeaderAndFollowerAsync()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        return (leader, Cluster.OtherThan(leader), Cluster.Log(leader).View.Term);
    }

    private Task<HttpResponseMessage> PostAsync(int id, Message message) => Cluster.PostStreamAsync(id, token: null, message);

    /// <summary>The node's status through its inbox, which is first in, first out: every message posted before has been stepped.</summary>
    private Task<RaftStatus> StatusAsync(int id) => Cluster.Log(id).GetStatusAsync();

    private async Task AssertStillCommitsAsync()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        await Cluster.AppendAsync(leader, "still committing " + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture));
    }
}
