using System.Net;
using System.Net.Http.Json;
using HttpRaft.Tests.Cluster;

namespace HttpRaft.Tests.Security;

/// <summary>With https:// addresses, nodes serve both ports over TLS and call each other over HTTPS, trusting the configured CA.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task A_cluster_on_https_addresses_elects_a_leader_and_commits()
    {
        using var certificates = TestCertificates.Create();
        var layout = ClusterLayout.Create(3, scheme: "https://") with { Extra = [.. certificates.Settings(), SecureCluster.SecretSetting] };
        await using var cluster = TestCluster.Start(layout, certificates.TrustingHandler());

        var leader = await cluster.WaitForLeaderAsync();
        var index = await cluster.AppendAsync(leader, "over tls");

        Assert.Equal("https", cluster.Api(leader, "/").Scheme);
        foreach (var id in cluster.RunningIds)
        {
            await Eventually.HoldsAsync(async () => (await cluster.ReadLogAsync(id)).Any(e => e.Index == index && e.Entry == "over tls"), $"node {id} to serve the entry over https");
        }
        using var redirect = await cluster.Http.PostAsJsonAsync(cluster.Api(cluster.OtherThan(leader), "/log"), new { entry = "redirected" });
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirect.StatusCode);
        Assert.Equal("https", redirect.Headers.Location!.Scheme);
    }

    [Fact]
    public async Task Nodes_that_trust_another_ca_cannot_reach_each_other()
    {
        using var certificates = TestCertificates.Create();
        using var stranger = TestCertificates.Create();
        var layout = ClusterLayout.Create(3, scheme: "https://") with { Extra = [.. certificates.Settings(caPath: stranger.CaPath)] };
        using var console = new ConsoleCapture();
        await using var cluster = TestCluster.Start(layout, certificates.TrustingHandler());

        // Each node serves its own API (the test client trusts the right CA), but no peer call gets through.
        using var live = await cluster.Http.GetAsync(cluster.Api(0, "/health/live"));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        await Eventually.HoldsAsync(
            () => console.Text.Split('\n').Any(l => l.Contains("is unreachable", StringComparison.Ordinal) && (l.Contains("SSL", StringComparison.Ordinal) || l.Contains("certificate", StringComparison.OrdinalIgnoreCase))),
            "a node to report a peer unreachable over TLS");
        Assert.All(cluster.RunningIds, id => Assert.False(cluster.Log(id).View.IsLeader, $"node {id} became leader without reaching a peer"));
    }

    [Fact]
    public void A_wrong_certificate_password_is_a_one_line_configuration_error()
    {
        using var certificates = TestCertificates.Create();
        var tls = new HttpRaft.AspNetCore.RaftTlsOptions { Certificate = certificates.ServerPath, CertificatePassword = "wrong" };

        var error = Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => HttpRaft.AspNetCore.Security.RaftCertificates.LoadServerCertificate(tls));

        Assert.StartsWith("cannot load a TLS certificate", HttpRaft.Startup.StartupGuard.Describe(error), StringComparison.Ordinal);
    }
}
