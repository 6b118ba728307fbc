using System.Net;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using HttpRaft.Tests.Cluster;
using HttpRaft.Tests.Peers;

namespace HttpRaft.Tests.Security;

/// <summary>One three-node cluster whose nodes share a cluster secret.</summary>
public sealed class SecretClusterFixture : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Cluster = TestCluster.Start(ClusterLayout.Create(3) with { Extra = [SecureCluster.SecretSetting] });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>With a cluster secret, only requests that carry it reach a node's peer routes; the nodes themselves always do.</summary>
public sealed class PeerAuthenticationTests(SecretClusterFixture fixture) : IClassFixture<SecretClusterFixture>
{
    // A vote request for a term no real election reaches: if it got in, every node that saw it would jump to it.
    private const long ForgedTerm = 1_000_000_000;
    private static readonly byte[] HarmlessMessage = PeerStream.Frames(new HeartbeatResponse(1, 0, 0, 0));

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Nodes_that_share_the_secret_elect_a_leader_and_commit()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        var index = await Cluster.AppendAsync(leader, "authenticated");

        foreach (var id in Cluster.RunningIds)
        {
            await Eventually.HoldsAsync(() => Cluster.Log(id).View.AppliedIndex >= index, $"node {id} to apply {index}");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-secret-0123456789abcdef")]
    [InlineData(SecureCluster.Secret + "x")]
    [InlineData("cluster-secret-for-tests-012345678")] // a prefix of the secret
    public async Task A_forged_vote_with_a_huge_term_gets_401_and_changes_nothing(string? token)
    {
        await Cluster.WaitForLeaderAsync();

        foreach (var id in Cluster.RunningIds)
        {
            var vote = new VoteRequest((id + 1) % 3, id, ForgedTerm, false, 1_000_000, ForgedTerm);
            using var response = await Cluster.PostStreamAsync(id, token, vote);

            await SecureCluster.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        foreach (var id in Cluster.RunningIds) Assert.True(Cluster.Log(id).View.Term < ForgedTerm, $"node {id} took the forged term");
        var leader = await Cluster.WaitForLeaderAsync();
        await Cluster.AppendAsync(leader, "still working");
    }

    [Theory]
    [InlineData("/raft/stream")]
    [InlineData("/raft/no-such-kind")]
    public async Task Every_peer_route_needs_the_secret(string path)
    {
        using var response = await Cluster.PostAsync(Cluster.Peer(0, path), HarmlessMessage, token: null);

        // An unknown route under /raft answers 404 either way: there is no endpoint to protect.
        var expected = path.EndsWith("no-such-kind", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.Unauthorized;
        await SecureCluster.AssertProblemAsync(response, expected);
    }

    [Fact]
    public async Task A_request_with_the_secret_is_accepted()
    {
        using var response = await Cluster.PostAsync(Cluster.Peer(0, PeerStreamReceiver.Path), HarmlessMessage, SecureCluster.Secret);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task The_secret_is_not_in_status_or_the_api_description()
    {
        var leader = await Cluster.WaitForLeaderAsync();

        var status = await Cluster.Http.GetStringAsync(Cluster.Api(leader, "/status"));
        var swagger = await Cluster.Http.GetStringAsync(Cluster.Api(leader, "/swagger/v1/swagger.json"));

        Assert.Contains("\"term\"", status, StringComparison.Ordinal);
        Assert.DoesNotContain(SecureCluster.Secret, status, StringComparison.Ordinal);
        Assert.DoesNotContain(SecureCluster.Secret, swagger, StringComparison.Ordinal);
        Assert.DoesNotContain("/raft", swagger, StringComparison.Ordinal);
    }
}
