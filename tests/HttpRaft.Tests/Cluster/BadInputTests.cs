using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Buffers.Binary;
using HttpRaft.AspNetCore;
using HttpRaft.Tests.Peers;
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
        { "an entry from a later term than its message", Frame(new AppendRequest(1, 0, 1, 0, 0, [Entry.Normal(1, 9, default)], 0)) },
        { "an entry of an unknown kind", UnknownEntryKind() },
        { "a negative commit index", Frame(new Heartbeat(1, 0, 1, -5, 0)) },
        { "a negative last log index", Frame(new VoteRequest(1, 0, 1, false, -1, 0)) },
        { "a valid frame, then one from a sender that is no member", [.. Frame(new HeartbeatResponse(1, 0, 0, 0)), .. Frame(new HeartbeatResponse(7, 0, 0, 0))] },
        { "a frame longer than any peer sends", LongerThanAnyFrame() },
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

    [Theory]
    [InlineData("/raft/nonsense")]
    [InlineData("/raft/append")]
    [InlineData("/raft/vote")]
    public async Task Peer_routes_other_than_the_stream_are_404(string path)
    {
        using var response = await Cluster.Http.PostAsync(Cluster.Peer(0, path), new StringContent("{}"));

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
        await AssertStillWorkingAsync();
    }

    private static byte[] Frame(Message message) => PeerStream.Frames(message);

    private static byte[] UnknownEntryKind()
    {
        var bytes = Frame(new AppendRequest(1, 0, 1, 0, 0, [Entry.Normal(1, 1, "x"u8.ToArray())], 0));
        // The entry's kind byte sits before its 4-byte length and its one data byte.
        bytes[^(1 + 4 + 1)] = 42;
        return bytes;
    }

    private static byte[] LongerThanAnyFrame()
    {
        var bytes = Frame(new HeartbeatResponse(1, 0, 0, 0));
        BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)new RaftHostOptions().Limits.MaxPeerFrameBytes + 1);
        return bytes;
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
