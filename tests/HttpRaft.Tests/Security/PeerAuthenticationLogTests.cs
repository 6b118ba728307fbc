using System.Net;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Tests.Security;

/// <summary>What the nodes log about peer authentication: refusals (throttled, without the token) and an open peer port.</summary>
public sealed class PeerAuthenticationLogTests
{
    private static readonly KeyValuePair<string, string> InformationLevel = new("Serilog:MinimumLevel:Default", "Information");

    [Fact]
    public async Task Refusals_are_logged_without_the_secret_or_the_presented_token()
    {
        const string nearMiss = SecureCluster.Secret + "-near-miss";
        using var console = new ConsoleCapture();
        await using (var cluster = TestCluster.Start(ClusterLayout.Create(3) with { Extra = [SecureCluster.SecretSetting, InformationLevel] }))
        {
            var leader = await cluster.WaitForLeaderAsync();
            await cluster.AppendAsync(leader, "logged");
            using var wrong = await cluster.PostPeerAsync(0, PeerStreamReceiver.Path, "{}", nearMiss);
            using var missing = await cluster.PostPeerAsync(1, PeerStreamReceiver.Path, "{}", token: null);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            await Eventually.HoldsAsync(() => console.Text.Contains("Refused an unauthenticated peer request on /raft/stream", StringComparison.Ordinal), "the refusal to be logged");
            for (var i = 0; i < 20; i++)
            {
                using var flood = await cluster.PostPeerAsync(2, PeerStreamReceiver.Path, "{}", nearMiss);
                Assert.Equal(HttpStatusCode.Unauthorized, flood.StatusCode);
            }
        }

        var log = console.Text;
        Assert.Contains("wrong cluster secret", log, StringComparison.Ordinal);
        Assert.Contains("no Authorization: Bearer header", log, StringComparison.Ordinal);
        Assert.DoesNotContain(SecureCluster.Secret, log, StringComparison.Ordinal);
        Assert.DoesNotContain("No cluster secret is set", log, StringComparison.Ordinal);
        // Throttled to one line per node per 10 s, and no request-log line per refused request: a flood stays a trickle.
        // 22 refusals on three nodes: at most one line per node.
        Assert.True(log.Split('\n').Count(l => l.Contains("Refused an unauthenticated peer request", StringComparison.Ordinal)) <= 3, log);
    }

    [Fact]
    public async Task A_node_without_a_secret_warns_that_its_peer_port_is_open()
    {
        using var console = new ConsoleCapture();
        await using var cluster = TestCluster.Start(ClusterLayout.Create(1) with { Extra = [InformationLevel] });

        await Eventually.HoldsAsync(() => console.Text.Contains("No cluster secret is set", StringComparison.Ordinal), "the open-port warning");
    }
}
