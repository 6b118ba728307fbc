using BenchmarkDotNet.Attributes;
using HttpRaft.Consensus;

namespace HttpRaft.Bench;

/// <summary>
/// The consensus core's CPU per batch, without network or disk: the leader proposes a batch of 100-byte entries,
/// both followers store and acknowledge it, and the leader commits and applies it — every Step, GetReady and
/// Advance of one group-commit round across a three-node cluster held in memory.
/// </summary>
[MemoryDiagnoser]
public class ConsensusBenchmarks
{
    private readonly MemoryStorage[] disks = [new(), new(), new()];
    private RaftNode[] nodes = [];
    private ReadOnlyMemory<byte>[] batch = [];
    private readonly Queue<Message> wire = new();

    [Params(1, 64)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        nodes = [.. Enumerable.Range(0, 3).Select(id => new RaftNode(new RaftConfig { Id = id, Bootstrap = Configuration.Bootstrap([0, 1, 2]), Random = new Random(id) }, disks[id]))];
        var payload = new byte[100];
        batch = [.. Enumerable.Range(0, BatchSize).Select(_ => (ReadOnlyMemory<byte>)payload)];
        nodes[0].Campaign();
        Settle();
    }

    [Benchmark]
    public long ReplicateAndCommitOneBatch()
    {
        nodes[0].Propose(batch);
        Settle();
        return nodes[0].CommitIndex;
    }

    /// <summary>Carries out every node's Ready and delivers every message until the cluster is quiet.</summary>
    private void Settle()
    {
        var busy = true;
        while (busy)
        {
            busy = false;
            foreach (var node in nodes)
            {
                while (node.HasReady)
                {
                    busy = true;
                    var ready = node.GetReady();
                    disks[node.Id].Append(ready.Entries);
                    if (ready.HardState is { } hard) disks[node.Id].SetHardState(hard);
                    foreach (var message in ready.Messages) wire.Enqueue(message);
                    node.Advance(ready);
                }
            }
            while (wire.TryDequeue(out var message))
            {
                busy = true;
                nodes[message.To].Step(message);
            }
        }
    }
}
