using System.Net;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using HttpRaft.Tests.Cluster;
using HttpRaft.Tests.Peers;

namespace HttpRaft.Tests.Security;

/// <summary>
/// Each port serves only its own routes, whatever the Host header says: <c>/raft/*</c> on the client port and every
/// client route on the peer port answer 404, as an unknown route does, before any authentication can answer 401.
/// </summary>
public abstract class PortSeparationTests
{
    // A harmless, valid message: a heartbeat response from an old term, which the core ignores.
    private static readonly byte[] Harmless = PeerStream.Frames(new HeartbeatResponse(1, 0, 0, 0));

    private protected abstract TestCluster Cluster { get; }

    private protected abstract string? Secret { get; }

    public static TheoryData<string, string> ClientRoutes() => new()
    {
        { "GET", "/log" },
        { "GET", "/log/1" },
        { "POST", "/log" },
        { "POST", "/request" },
        { "GET", "/status" },
        { "GET", "/health/live" },
        { "GET", "/health/ready" },
        { "GET", "/swagger/index.html" },
        { "GET", "/swagger/v1/swagger.json" },
    };

    [Theory]
    [InlineData(null)]
    [InlineData("peer")]
    public async Task The_peer_stream_is_404_on_the_client_port(string? forgedHost)
    {
        var host = forgedHost is null ? null : Cluster.Layout.Peers[0];

        foreach (var token in new[] { null, Secret, "some-other-token-0123456789" })
        {
            using var response = await Cluster.PostAsync(Cluster.Api(0, PeerStreamReceiver.Path), Harmless, token, host);

            await Problem.AssertAsync(response, HttpStatusCode.NotFound);
        }
    }

    [Theory]
    [MemberData(nameof(ClientRoutes))]
    public async Task Client_routes_are_404_on_the_peer_port_even_with_the_api_host(string method, string path)
    {
        foreach (var host in new[] { null, Cluster.Layout.Apis[0] })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), Cluster.Peer(0, path));
            if (method == "POST") request.Content = new StringContent("""{"entry": "must not be appended"}""");
            if (host is not null) request.Headers.Host = host;
            using var response = await Cluster.Http.SendAsync(request);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.DoesNotContain(await Cluster.ReadLogAsync(0), e => e.Entry == "must not be appended");
    }

    [Fact]
    public async Task The_peer_port_serves_the_stream_to_a_peer_that_proves_the_secret()
    {
        using var response = await Cluster.PostAsync(Cluster.Peer(0, PeerStreamReceiver.Path), Harmless, Secret);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task The_client_port_serves_the_client_routes()
    {
        using var response = await Cluster.Http.GetAsync(Cluster.Api(0, "/health/live"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

/// <summary>Port separation on a cluster with no cluster secret.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class OpenPortSeparationTests(SharedClusterFixture fixture) : PortSeparationTests
{
    private protected override TestCluster Cluster => fixture.Cluster;

    private protected override string? Secret => null;
}

/// <summary>Port separation on a cluster whose nodes share a secret: the client port still answers 404, never 401.</summary>
public sealed class SecretPortSeparationTests(SecretClusterFixture fixture) : PortSeparationTests, IClassFixture<SecretClusterFixture>
{
    private protected override TestCluster Cluster => fixture.Cluster;

    private protected override string? Secret => SecureCluster.Secret;
}
