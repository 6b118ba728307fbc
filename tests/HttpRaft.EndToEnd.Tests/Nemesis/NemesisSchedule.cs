using System.Diagnostics;
using HttpRaft.EndToEnd.Tests.Nemesis.Nemeses;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>How long after a heal the cluster took to elect a leader and to acknowledge an append again.</summary>
internal sealed record Recovery(string Faults, double LeaderSeconds, double AppendSeconds);

/// <summary>
/// The seeded plan. First a deck holding every kind of every nemesis once, shuffled, is dealt two cards of different
/// nemeses at a time (a card that does not apply yet, such as a removal at three members, goes back under the deck),
/// so every run, however short, injects every kind; the run lasts until the deck is empty even past its duration.
/// Then, until the duration is over, one nemesis or two of different kinds (weighted draw). Each round holds its
/// faults 1.5–6 s (longer than an election timeout, so a paused or cut-off leader is deposed), heals them in reverse
/// order, reconciles the membership, and measures how long until a leader is known and an append is acknowledged;
/// then a quiet 0.5–2 s. The same seed draws the same choices; the cluster's timing still varies from run to run.
/// </summary>
internal sealed class NemesisSchedule
{
    /// <summary>A cluster that has not acknowledged an append this long after healing is a liveness failure.</summary>
    public static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(60);

    /// <summary>How long past its duration a run may go on dealing the deck (cards wait while they do not apply, e.g. partitions while a join is under way).</summary>
    public static readonly TimeSpan DeckAllowance = TimeSpan.FromMinutes(5);

    /// <summary>A recovery this slow gets every member's status in the timeline.</summary>
    private static readonly TimeSpan SlowRecovery = TimeSpan.FromSeconds(5);

    private readonly NemesisCluster cluster;
    private readonly NemesisClients clients;
    private readonly NemesisHistory history;
    private readonly Random random;
    private readonly Action<string> log;
    private readonly (INemesis Nemesis, int Weight)[] nemeses;
    private readonly List<(INemesis Nemesis, string Kind)> deck;
    private int probes;

    public NemesisSchedule(NemesisCluster cluster, NemesisClients clients, NemesisHistory history, Random random, Action<string> log)
    {
        (this.cluster, this.clients, this.history, this.random, this.log) = (cluster, clients, history, random, log);
        Cut = new CutNemesis(history);
        nemeses =
        [
            (new PartitionNemesis(), 4), (ProcessNemesis.Pause(), 2), (ProcessNemesis.Kill(), 2), (new DiskNemesis(), 2),
            (new DelayNemesis(), 1), (new TransferNemesis(), 1), (new MembershipNemesis(), 2), (Cut, 2),
        ];
        deck = [.. nemeses.SelectMany(n => n.Nemesis.Kinds.Select(k => (n.Nemesis, k))).OrderBy(_ => random.Next())];
    }

    /// <summary>Every kind the nemeses can inject: what a run's deck deals.</summary>
    public IReadOnlyList<string> Kinds => [.. nemeses.SelectMany(n => n.Nemesis.Kinds)];

    /// <summary>The retention cuts: the highest cut asked, and how cut-off followers caught up.</summary>
    public CutNemesis Cut { get; }

    public Dictionary<string, int> FaultsByKind { get; } = [];

    public List<Recovery> Recoveries { get; } = [];

    /// <summary>Clusters that did not recover within <see cref="RecoveryDeadline"/> after a heal.</summary>
    public List<string> Stuck { get; } = [];

    /// <summary>
    /// Runs rounds until <paramref name="duration"/> (on the run's <paramref name="clock"/>, which counts the cluster's
    /// start) is over and the deck is dealt, the deck for at most <see cref="DeckAllowance"/> past the duration.
    /// </summary>
    public async Task RunAsync(TimeSpan duration, Stopwatch clock)
    {
        while ((clock.Elapsed < duration || deck.Count > 0) && clock.Elapsed < duration + DeckAllowance)
        {
            var started = new List<(INemesis Nemesis, NemesisFault Fault)>();
            foreach (var (nemesis, kind) in deck.Count > 0 ? Deal() : Choose())
            {
                if (await nemesis.StartAsync(cluster, random, kind) is not { } fault)
                {
                    if (kind is null) continue;
                    deck.Add((nemesis, kind));
                    log($"{clock.Elapsed.TotalSeconds:0.0}s: {kind} does not apply now; back under the deck");
                    continue;
                }
                started.Add((nemesis, fault));
                FaultsByKind[fault.Kind] = FaultsByKind.GetValueOrDefault(fault.Kind) + 1;
                log($"{clock.Elapsed.TotalSeconds:0.0}s: {fault.Kind}: {fault.Description}");
            }
            // Holding a fault is the plan itself, not a wait for some state.
            var hold = random.Next(1500, 6000);
            if (started.Count > 0) await Task.Delay(hold);
            if (started.Count > 0) log($"{clock.Elapsed.TotalSeconds:0.0}s: before healing, {await LeaderNowAsync()}");
            foreach (var (nemesis, _) in Enumerable.Reverse(started)) await nemesis.HealAsync(cluster);
            foreach (var node in await cluster.ReconcileAsync()) log($"{clock.Elapsed.TotalSeconds:0.0}s: {node} is no longer a member (its removal's answer was lost); stopped it");
            if (started.Count > 0) await MeasureRecoveryAsync(string.Join(" + ", started.Select(s => s.Fault.Kind)), clock);
            await Task.Delay(random.Next(500, 2000));
        }
    }

    /// <summary>Who leads now, as the running members say: shows what a fault did (a new leader elected behind a partition or a pause).</summary>
    private async Task<string> LeaderNowAsync()
    {
        var who = await cluster.Http.LeaderAsync(cluster.Running) is { } leader ? $"{leader.Node} leads term {leader.Status.Term}" : "no running member leads";
        return $"{who}; members {Ids(cluster.Members)}, running {Ids(cluster.Running)}";
    }

    private static string Ids(IEnumerable<NemesisNode> nodes) => "{" + string.Join(",", nodes.Select(n => n.Id)) + "}";

    /// <summary>What each member says of itself, for a recovery that took long: a restart still starting, or members that cannot elect.</summary>
    private async Task<string> StatusesAsync()
    {
        var statuses = await Task.WhenAll(cluster.Members.Select(async n => (Node: n, Status: await cluster.Http.StatusAsync(n, TimeSpan.FromSeconds(2)))));
        return string.Join("; ", statuses.Select(s => s.Status is { } st ? $"{s.Node} {st.Role} term {st.Term} leader {st.Leader?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} commit {st.CommitIndex}" : $"{s.Node} ({s.Node.State}) no answer"));
    }

    /// <summary>The deck's top card and the next one of another nemesis, if any, taken off the deck.</summary>
    private List<(INemesis, string?)> Deal()
    {
        var first = deck[0];
        deck.RemoveAt(0);
        var at = deck.FindIndex(c => c.Nemesis != first.Nemesis);
        if (at < 0) return [first];
        var second = deck[at];
        deck.RemoveAt(at);
        return [first, second];
    }

    /// <summary>One nemesis, or (two times in five) two different ones, drawn by weight; each draws its own kind.</summary>
    private List<(INemesis, string?)> Choose()
    {
        var first = Draw(nemeses);
        if (random.Next(5) >= 2) return [(first, null)];
        var second = Draw([.. nemeses.Where(n => n.Nemesis != first)]);
        return [(first, null), (second, null)];
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
        var reported = false;
        while (leaderSeconds < 0 && healed.Elapsed < RecoveryDeadline)
        {
            if (await cluster.Http.LeaderAsync(cluster.Running) is not null) leaderSeconds = healed.Elapsed.TotalSeconds;
            else if (probe.IsCompletedSuccessfully && probe.Result.Acknowledged is not null) break; // A leader acknowledged it.
            else if (!reported && healed.Elapsed > SlowRecovery)
            {
                reported = true;
                log($"{clock.Elapsed.TotalSeconds:0.0}s: no leader {SlowRecovery.TotalSeconds:0} s after healing {faults}: {await StatusesAsync()}");
            }
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
