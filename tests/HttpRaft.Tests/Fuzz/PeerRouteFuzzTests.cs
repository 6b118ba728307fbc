using System.Net;
using CsCheck;
using HttpRaft.AspNetCore.Peers;
using HttpRaft.Consensus;
using HttpRaft.Testing;
using HttpRaft.Tests.Cluster;
using HttpRaft.Tests.Security;
using Xunit.Abstractions;

namespace HttpRaft.Tests.Fuzz;

/// <summary>
/// Random and mutated binary frames at a node's <c>/raft/stream</c>, the only peer route, with the cluster secret so
/// they reach decoding and validation. An input the receiver's own decoder and validator would accept is a message an
/// authenticated peer may send (peers are trusted, docs/design.md §4) and is not sent; everything else must get a 4xx
/// problem, leave every log as it was, log no error, and leave the cluster committing.
/// </summary>
public sealed class PeerRouteFuzzTests(ITestOutputHelper output)
{
    private const int Target = 0;

    private static readonly Message[] Samples =
    [
        new VoteRequest(1, Target, 3, false, 7, 2),
        new VoteResponse(1, Target, 3, true, true),
        new AppendRequest(1, Target, 3, 4, 2, [Entry.Normal(5, 3, "abc"u8.ToArray()), Entry.Normal(6, 3, default)], 4),
        new AppendResponse(1, Target, 3, false, 6, 4, 2),
        new Heartbeat(1, Target, 3, 4, 9),
        new HeartbeatResponse(1, Target, 3, 9),
        new ReadIndexRequest(1, Target, 3, 17),
        new ReadIndexResponse(1, Target, 3, 17, true, 6),
        new TimeoutNow(1, Target, 3),
        new SnapshotChunk(1, Target, 3, 4, 2, 0, 6, new byte[] { 1, 2, 3 }),
        new SnapshotChunkResponse(1, Target, 3, 4, 3),
    ];

    /// <summary>Each sample as one binary frame of <c>/raft/stream</c>.</summary>
    private static readonly byte[][] FrameSeeds = [.. Samples.Select(Frame)];

    private static readonly long MaxFrameBytes = new HttpRaft.AspNetCore.RaftHostOptions().Limits.MaxPeerFrameBytes;

    /// <summary>Mutated frames of every kind, and random bytes.</summary>
    private static Gen<byte[]> Inputs { get; } = Gen.Frequency((5, FuzzInputs.Mutated(FrameSeeds)), (1, Gen.Byte.Array[0, 128]));

    [Fact]
    public async Task Random_peer_messages_are_refused_and_change_no_log()
    {
        var iterations = FuzzSettings.Iterations(3000);
        output.WriteLine(FuzzSettings.Describe("peer routes", iterations));
        using var console = new ConsoleCapture();
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await using (var cluster = TestCluster.Start(ClusterLayout.Create(3) with { Extra = [SecureCluster.SecretSetting] }))
        {
            var leader = await cluster.WaitForLeaderAsync();
            List<long> acknowledged = [await cluster.AppendAsync(leader, "before the fuzz")];

            await Inputs.SampleAsync(
                async input =>
                {
                    var outcome = await SendAsync(cluster, input);
                    counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
                },
                seed: FuzzSettings.Seed, iter: iterations, threads: 1);

            leader = await cluster.WaitForLeaderAsync();
            acknowledged.Add(await cluster.AppendAsync(leader, "after the fuzz"));
            foreach (var id in cluster.RunningIds)
            {
                await Eventually.HoldsAsync(async () => (await cluster.ReadLogAsync(id)).Select(e => e.Index).SequenceEqual(acknowledged), $"node {id}'s log to hold only the two appends");
            }
        }

        output.WriteLine($"outcomes: {string.Join(", ", counts.Select(c => $"{c.Key}×{c.Value}"))}");
        ClientRouteFuzzTests.AssertNoErrorsLogged(console.Text);
    }

    /// <summary>Sends <paramref name="body"/> unless it is a valid message; returns what happened, for the tally.</summary>
    private static async Task<string> SendAsync(TestCluster cluster, byte[] body)
    {
        if (StartsWithValidFrame(body)) return "valid, not sent";
        const string path = PeerStreamReceiver.Path;
        using var request = new HttpRequestMessage(HttpMethod.Post, cluster.Peer(Target, path)) { Content = new ByteArrayContent(body) };
        request.Headers.Authorization = new("Bearer", SecureCluster.Secret);
        using var response = await cluster.Http.SendAsync(request);
        if (response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge))
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode} to {Convert.ToHexString(body)}");
        }
        await Problem.AssertAsync(response, response.StatusCode);
        return $"{(int)response.StatusCode}";
    }

    /// <summary>
    /// An empty stream, or one whose first frame decodes and validates: the receiver would step that frame, which a
    /// trusted peer may send. Anything else is refused before any message reaches the node.
    /// </summary>
    private static bool StartsWithValidFrame(byte[] body)
    {
        if (body.Length == 0) return true;
        var buffer = new System.Buffers.ReadOnlySequence<byte>(body);
        return PeerFrame.TryRead(ref buffer, MaxFrameBytes, out var message, out var error)
            && error is null
            && PeerMessageValidator.Validate(message!, Target) is null;
    }

    private static byte[] Frame(Message message)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        PeerFrame.Write(output, message);
        return output.WrittenSpan.ToArray();
    }
}
