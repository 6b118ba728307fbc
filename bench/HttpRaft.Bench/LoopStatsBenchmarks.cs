using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using HttpRaft.AspNetCore;
using HttpRaft.AspNetCore.Observability;
using HttpRaft.Consensus;
using Microsoft.Extensions.Options;

namespace HttpRaft.Bench;

/// <summary>
/// What the metrics and the dashboard add to one batch of the leader's node loop at load (the busy time, the heartbeat
/// check of the outgoing AppendEntries, the append time of the batch, each committed proposal's latency), and to each
/// append request (its timestamp). Compare with <see cref="ConsensusBenchmarks"/> at the same batch size: the core's own
/// work for one batch, without disk or network.
/// </summary>
[MemoryDiagnoser]
public class LoopStatsBenchmarks
{
    private LoopStats stats = null!;
    private Message[] messages = [];
    private long[] received = [];
    private long lastIndex;

    [Params(1, 64)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new RaftHostOptions { NodeId = 0, Peers = ["a:1", "b:2", "c:3"], Apis = ["a:4", "b:5", "c:6"] });
        stats = new LoopStats(new NodeTelemetry(0), options);
        received = new long[BatchSize];
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < received.Length; i++) received[i] = now - i * 1000;
        messages = [Append(1), Append(2)];
    }

    /// <summary>The node loop's side, per batch of <see cref="BatchSize"/> proposals.</summary>
    [Benchmark]
    public long LoopBookkeepingOfOneBatch()
    {
        var start = Stopwatch.GetTimestamp();
        stats.Sent(messages);
        lastIndex += received.Length;
        stats.Appended(lastIndex);
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < received.Length; i++) stats.Appends.Record(now - received[i]);
        stats.Busy(start);
        return lastIndex;
    }

    /// <summary>The request thread's side, per append request: the proposal notes when it was made.</summary>
    [Benchmark]
    public long ProposalTimestamp() => Stopwatch.GetTimestamp();

    private static AppendRequest Append(int to) => new(0, to, 1, 0, 0, [], 0);
}
