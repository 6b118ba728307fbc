using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Buffers;
using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;

namespace HttpRaft.Tests.Cluster;

/// <summary>Whatever a client or a stranger sends, on either port, it gets a 4xx problem and the cluster keeps working.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class BadInputTests(SharedClusterFixture fixture)
{
    private TestCluster Cluster => fixture.Cluster;

    [Theory]
    [InlineData("/log", "{\"entry\": \"unterminated", HttpStatusCode.BadRequest)]
    [InlineData("/log", "{\"entry\": 5}", HttpStatusCode.BadRequest)]
    [InlineData("/log", "{\"entry\": null}", HttpStatusCode.BadRequest)]
    [InlineData("/log", "{}", HttpStatusCode.BadRequest)]
    [InlineData("/log", "", HttpStatusCode.BadRequest)]
    [InlineData("/log", "[\"entry\"]", HttpStatusCode.BadRequest)]
    [InlineData("/log", "{\"entries\": []}", HttpStatusCode.BadRequest)]
    [InlineData("/log", "{\"entries\": [\"a\", null]}", HttpStatusCode.BadRequest)]
    [InlineData("/log", "{\"entries\": \"a\"}", HttpStatusCode.BadRequest)]
    [InlineData("/log", "{\"entry\": \"a\", \"entries\": [\"b\"]}", HttpStatusCode.BadRequest)]
    [InlineData("/request", "{\"entries\": [\"a\"]}", HttpStatusCode.BadRequest)]
    [InlineData("/request", "not json at all", HttpStatusCode.BadRequest)]
    [InlineData("/request", "{\"text\": \"wrong field\"}", HttpStatusCode.BadRequest)]
    [InlineData("/nowhere", "{\"entry\": \"x\"}", HttpStatusCode.NotFound)]
    public async Task Bad_client_bodies_get_a_problem(string path, string body, HttpStatusCode expected)
    {
        using var response = await Cluster.Http.PostAsync(Cluster.Api(0, path), new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, expected);
        await AssertStillWorkingAsync();
    }

    [Theory]
    [InlineData("/log?index=abc", HttpStatusCode.BadRequest)]
    [InlineData("/log?index=0", HttpStatusCode.BadRequest)]
    [InlineData("/log?limit=100000", HttpStatusCode.BadRequest)]
    [InlineData("/log/999999", HttpStatusCode.NotFound)]
    [InlineData("/log/abc", HttpStatusCode.NotFound)]
    public async Task Bad_client_queries_get_a_problem(string pathAndQuery, HttpStatusCode expected)
    {
        using var response = await Cluster.Http.GetAsync(Cluster.Api(0, pathAndQuery));

        await AssertProblemAsync(response, expected);
    }

    [Theory]
    [InlineData(2 * 1024 * 1024)] // over the 1 MiB request body limit
    [InlineData(600 * 1024)] // under the body limit, over the 512 KiB entry limit
    public async Task Oversized_entries_get_413(int size)
    {
        var body = $"{{\"entry\": \"{new string('a', size)}\"}}";
        using var response = await PostLargeAsync(Cluster.Api(0, "/log"), body);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await AssertStillWorkingAsync();
    }

    [Theory]
    [InlineData("/raft/append", "{\"from\": 1,")]
    [InlineData("/raft/append", "{}")]
    [InlineData("/raft/append", "null")]
    [InlineData("/raft/vote", "{\"from\": 1, \"to\": 0, \"term\": 1, \"preVote\": false, \"lastLogIndex\": \"x\", \"lastLogTerm\": 0}")]
    [InlineData("/raft/heartbeat", "{\"from\": 0, \"to\": 0, \"term\": 1, \"commit\": 0, \"readRound\": 0}")] // from itself
    [InlineData("/raft/heartbeat", "{\"from\": 1, \"to\": 2, \"term\": 1, \"commit\": 0, \"readRound\": 0}")] // not addressed to node 0
    [InlineData("/raft/heartbeat", "{\"from\": 1, \"to\": 0, \"term\": 1, \"commit\": -5, \"readRound\": 0}")]
    [InlineData("/raft/append", "{\"from\": 1, \"to\": 0, \"term\": 1, \"prevLogIndex\": 0, \"prevLogTerm\": 0, \"leaderCommit\": 0, \"entries\": [{\"index\": 7, \"term\": 1, \"kind\": 0, \"data\": \"\"}]}")]
    [InlineData("/raft/append", "{\"from\": 1, \"to\": 0, \"term\": 1, \"prevLogIndex\": 0, \"prevLogTerm\": 0, \"leaderCommit\": 0, \"entries\": [{\"index\": 1, \"term\": 9, \"kind\": 0, \"data\": \"\"}]}")]
    [InlineData("/raft/append", "{\"from\": 1, \"to\": 0, \"term\": 1, \"prevLogIndex\": 0, \"prevLogTerm\": 0, \"leaderCommit\": 0, \"entries\": [{\"index\": 1, \"term\": 1, \"kind\": 42, \"data\": \"\"}]}")]
    public async Task Bad_peer_messages_get_400_on_the_peer_port(string path, string body)
    {
        using var response = await Cluster.Http.PostAsync(Cluster.Peer(0, path), new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertStillWorkingAsync();
    }

    [Fact]
    public async Task A_batch_with_too_many_entries_gets_413()
    {
        var body = $"{{\"entries\": [{string.Join(",", Enumerable.Repeat("\"x\"", 10_001))}]}}";
        using var response = await Cluster.Http.PostAsync(Cluster.Api(0, "/log"), new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await AssertStillWorkingAsync();
    }

    public static TheoryData<string, byte[]> BadStreams() => new()
    {
        { "a frame length below the smallest message", [3, 0, 0, 0, 1, 2, 3] },
        { "a frame from node 0 to itself", Frame(new HeartbeatResponse(0, 0, 1, 0)) },
        { "a frame addressed to another node", Frame(new HeartbeatResponse(1, 2, 1, 0)) },
        { "a stream that ends inside a frame", Frame(new HeartbeatResponse(1, 0, 0, 0))[..^2] },
        { "an append whose entries do not follow on", Frame(new AppendRequest(1, 0, 1, 0, 0, [Entry.Normal(5, 1, "x"u8.ToArray())], 0)) },
    };

    [Theory]
    [MemberData(nameof(BadStreams))]
    public async Task A_bad_frame_ends_a_peer_stream_with_400(string what, byte[] body)
    {
        using var response = await Cluster.Http.PostAsync(Cluster.Peer(0, "/raft/stream"), new ByteArrayContent(body));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, what);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertStillWorkingAsync();
    }

    [Fact]
    public async Task Oversized_and_unknown_peer_requests_get_4xx()
    {
        using var huge = await PostLargeAsync(Cluster.Peer(0, "/raft/append"), new string(' ', (int)new RaftHostOptions().MaxPeerMessageBytes + 1));
        using var unknown = await Cluster.Http.PostAsync(Cluster.Peer(0, "/raft/nonsense"), new StringContent("{}"));

        await AssertProblemAsync(huge, HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        await AssertStillWorkingAsync();
    }

    [Fact]
    public async Task Peer_routes_answer_404_on_the_client_port_even_with_a_forged_host_header()
    {
        // A harmless, valid message: a heartbeat response from an old term, which the core ignores.
        const string body = "{\"from\": 1, \"to\": 0, \"term\": 0, \"readRound\": 0}";

        using var onPeerPort = await Cluster.Http.PostAsync(Cluster.Peer(0, "/raft/heartbeat-response"), new StringContent(body));
        using var forged = new HttpRequestMessage(HttpMethod.Post, Cluster.Api(0, "/raft/heartbeat-response")) { Content = new StringContent(body) };
        forged.Headers.Host = Cluster.Layout.Peers[0];
        using var onClientPort = await Cluster.Http.SendAsync(forged);

        Assert.Equal(HttpStatusCode.Accepted, onPeerPort.StatusCode);
        await AssertProblemAsync(onClientPort, HttpStatusCode.NotFound);
    }

    private static byte[] Frame(Message message)
    {
        var writer = new ArrayBufferWriter<byte>();
        PeerFrame.Write(writer, message);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Posts with <c>Expect: 100-continue</c>: a server that refuses the body by its Content-Length answers before
    /// it is sent, so the client reads the 413 instead of failing mid-upload on the closed connection.
    /// </summary>
    private async Task<HttpResponseMessage> PostLargeAsync(Uri uri, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        return await Cluster.Http.SendAsync(request);
    }

    private static Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected) => Problem.AssertAsync(response, expected);

    /// <summary>The cluster still has a leader that commits, and every node answers.</summary>
    private async Task AssertStillWorkingAsync()
    {
        var leader = await Cluster.WaitForLeaderAsync();
        await Cluster.AppendAsync(leader, "still working");
        foreach (var id in Cluster.RunningIds)
        {
            using var status = await Cluster.Http.GetAsync(Cluster.Api(id, "/status"));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }
    }
}
