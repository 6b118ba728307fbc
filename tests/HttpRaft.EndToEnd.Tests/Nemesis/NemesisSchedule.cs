using System.Diagnostics;
using HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>How long after a heal the cluster took to elect a leader and to acknowledge an append again.</summary>
internal sealed record Recovery(string Faults, double LeaderSeconds, double AppendSeconds);

/// <summary>
/// The seeded plan: over and over, start one nemesis or two of different kinds (weighted draw), hold them 1.5–6 s
/// (longer than an election timeout, so a pause or a cut-off leader is deposed), heal them in reverse order, reconcile
/// the membership, and measure how long until a leader is known and an append is acknowledged. Then a quiet
/// 0.5–2 s. The same seed draws the same choices; the cluster's timing still varies from run to run.
/// </summary>
internal sealed class NemesisSchedule(NemesisCluster cluster, NemesisClients clients, NemesisHistory history, Random random, Action<string> log)
{
    /// <summary>A cluster that has not acknowledged an append this long after healing is a liveness failure.</summary>
    public static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(60);

    private readonly CutNemesis cut = new();
    private int probes;

    private (INemesis Nemesis, int Weight)[] Nemeses =>
    [
        (new PartitionNemesis(), 4), (ProcessNemesis.Pause(), 2), (ProcessNemesis.Kill(), 2), (new DiskNemesis(), 2),
        (new DelayNemesis(), 1), (new TransferNemesis(), 1), (new MembershipNemesis(), 2), (cut, 1),
    ];

    public Dictionary<string, int> FaultsByKind { get; } = [];

    public List<Recovery> Recoveries { get; } = [];

    /// <summary>Clusters that did not recover within <see cref="RecoveryDeadline"/> after a heal.</summary>
    public List<string> Stuck { get; } = [];

    /// <summary>False when the cluster has no retention route yet, so the cut nemesis turned itself off.</summary>
    public bool CutsSupported => cut.Supported;

    public async Task RunAsync(TimeSpan duration, Stopwatch clock)
    {
        var nemeses = Nemeses;
        while (clock.Elapsed < duration)
        {
            var started = new List<(INemesis Nemesis, NemesisFault Fault)>();
            foreach (var nemesis in Choose(nemeses))
            {
                if (await nemesis.StartAsync(cluster, random) is not { } fault) continue;
                started.Add((nemesis, fault));
                FaultsByKind[fault.Kind] = FaultsByKind.GetValueOrDefault(fault.Kind) + 1;
                log($"{clock.Elapsed.TotalSeconds:0.0}s: {fault.Kind}: {fault.Description}");
            }
            // Holding a fault is the plan itself, not a wait for some state.
            await Task.Delay(random.Next(1500, 6000));
            if (started.Count > 0) log($"{clock.Elapsed.TotalSeconds:0.0}s: before healing, {await LeaderNowAsync()}");
            foreach (var (nemesis, _) in Enumerable.Reverse(started)) await nemesis.HealAsync(cluster);
            foreach (var node in await cluster.ReconcileAsync()) log($"{clock.Elapsed.TotalSeconds:0.0}s: {node} is no longer a member (its removal's answer was lost); stopped it");
            if (started.Count > 0) await MeasureRecoveryAsync(string.Join(" + ", started.Select(s => s.Fault.Kind)), clock);
            await Task.Delay(random.Next(500, 2000));
        }
    }

    /// <summary>Who leads now, as the running members say: shows what a fault did (a new leader elected behind a partition or a pause).</summary>
    private async Task<string> LeaderNowAsync() =>
        await cluster.Http.LeaderAsync(cluster.Running) is { } leader ? $"{leader.Node} leads term {leader.Status.Term}" : "no running member leads";

    /// <summary>One kind, or (two times in five) two different kinds, drawn by weight.</summary>
    private List<INemesis> Choose((INemesis Nemesis, int Weight)[] nemeses)
    {
        var first = Draw(nemeses);
        if (random.Next(5) >= 2) return [first];
        var second = Draw([.. nemeses.Where(n => n.Nemesis != first)]);
        return [first, second];
    }

    private INemesis Draw((INemesis Nemesis, int Weight)[] nemeses)
    {
        var roll = random.Next(nemeses.Sum(n => n.Weight));
        foreach (var (nemesis, weight) in nemeses)
        {
            if ((roll -= weight) < 0) return nemesis;
        }
        return nemeses[^1].Nemesis;
    }

    /// <summary>Polls for a leader and, at once, appends a keyed probe (recorded like every append) until acknowledged.</summary>
    private async Task MeasureRecoveryAsync(string faults, Stopwatch clock)
    {
        var healed = Stopwatch.StartNew();
        var leaderSeconds = -1.0;
        var probe = clients.AppendKeyedAsync($"probe-{++probes}", new Random(probes), RecoveryDeadline);
        while (!probe.IsCompleted && leaderSeconds < 0 && healed.Elapsed < RecoveryDeadline)
        {
            if (await cluster.Http.LeaderAsync(cluster.Running) is not null) leaderSeconds = healed.Elapsed.TotalSeconds;
            else await Task.Delay(50);
        }
        var append = await probe;
        history.Add(append);
        var appendSeconds = append.Acknowledged is null ? -1 : TimeSpan.FromSeconds((append.End - append.Start) / (double)Stopwatch.Frequency).TotalSeconds;
        if (leaderSeconds < 0) leaderSeconds = appendSeconds;
        Recoveries.Add(new Recovery(faults, leaderSeconds, appendSeconds));
        if (appendSeconds < 0) Stuck.Add($"no append acknowledged within {RecoveryDeadline.TotalSeconds:0} s after healing {faults} (at {clock.Elapsed.TotalSeconds:0.0}s)");
        log($"{clock.Elapsed.TotalSeconds:0.0}s: healed {faults}; leader after {leaderSeconds:0.00} s, first append after {appendSeconds:0.00} s");
    }
}
