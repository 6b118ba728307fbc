namespace HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

/// <summary>
/// A fault of one node's process, the leader two times in three:
/// <list type="bullet">
/// <item><see cref="Pause"/>: SIGSTOP, then SIGCONT when healed, a GC pause or a VM freeze longer than an election
/// timeout (the schedule holds every fault at least 1.5 s; elections time out in 0.5–1 s). The woken leader still
/// believes it leads; whatever it acknowledges after the others elected a new leader is what the checker looks for.</item>
/// <item><see cref="Kill"/>: kill -9, then a restart on its data directory when healed; healed once the new process
/// answers <c>GET /status</c>, so the availability measured after healing is the cluster's, not the time a process
/// takes to start (up to a minute on the shared machine when it is busy).</item>
/// </list>
/// </summary>
internal sealed class ProcessNemesis(string kind, string verb, Action<NemesisNode> start, Func<NemesisCluster, NemesisNode, Task> heal) : INemesis
{
    private NemesisNode? victim;

    public static ProcessNemesis Pause() => new("pause", "SIGSTOP", n => n.Pause(), (_, n) =>
    {
        n.Resume();
        return Task.CompletedTask;
    });

    public static ProcessNemesis Kill() => new("kill", "kill -9", n => n.Kill(), async (cluster, n) =>
    {
        if (!n.IsMember) return;
        await cluster.RestartAsync(n);
        await cluster.WaitServingAsync(n);
    });

    public IReadOnlyList<string> Kinds { get; } = [kind];

    public async Task<NemesisFault?> StartAsync(NemesisCluster cluster, Random random, string? requested)
    {
        if (await Pick.VictimAsync(cluster, random) is not { } picked) return null;
        var (node, isLeader) = picked;
        start(node);
        victim = node;
        return new NemesisFault(kind, $"{verb} {Pick.Named(node, isLeader)}");
    }

    public async Task HealAsync(NemesisCluster cluster)
    {
        if (victim is not null) await heal(cluster, victim);
        victim = null;
    }
}
