namespace HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

/// <summary>
/// A stalled disk on one node (writes block until healed: the leader whose fsync hung in etcd#13527), or a slow disk
/// (every write 20–200 ms late) on one node or all. Through the host's test-only storage wrapper
/// (<c>HttpRaft__Faults__DiskFile</c>, src/HttpRaft/Infrastructure/DiskFaultStorage.cs).
/// </summary>
internal sealed class DiskNemesis : INemesis
{
    private readonly List<NemesisNode> faulted = [];

    public IReadOnlyList<string> Kinds { get; } = ["disk:stall", "disk:slow"];

    public async Task<NemesisFault?> StartAsync(NemesisCluster cluster, Random random, string? kind)
    {
        if (await Pick.VictimAsync(cluster, random) is not { } victim) return null;
        var (node, isLeader) = victim;
        if ((kind ?? Pick.One(Kinds, random)) == "disk:stall")
        {
            node.SetDisk("stall");
            faulted.Add(node);
            return new NemesisFault("disk:stall", $"stalled the disk of {Pick.Named(node, isLeader)}");
        }
        var ms = random.Next(20, 201);
        var all = random.Next(3) == 0;
        faulted.AddRange(all ? cluster.Members : [node]);
        foreach (var slow in faulted) slow.SetDisk($"slow {ms}");
        return new NemesisFault("disk:slow", $"{ms} ms per write on {(all ? "every node" : Pick.Named(node, isLeader))}");
    }

    public Task HealAsync(NemesisCluster cluster)
    {
        foreach (var node in faulted) node.SetDisk("ok");
        faulted.Clear();
        return Task.CompletedTask;
    }
}
