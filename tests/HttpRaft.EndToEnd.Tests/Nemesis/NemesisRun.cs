using System.Diagnostics;
using System.Globalization;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>What one seed's run did and found.</summary>
internal sealed record NemesisResult(
    int Seed, TimeSpan Elapsed, int Operations, int Appends, int Acknowledged, int Reads, int Answered,
    IReadOnlyDictionary<string, int> Faults, IReadOnlyList<Recovery> Recoveries, NemesisVerdict Verdict, int Members, int LogEntries, IReadOnlyList<string> Kinds)
{
    public const string Header =
        "| seed | minutes | operations | appends (acknowledged) | acknowledged, then deleted by a cut | reads (answered) | faults | violations | without a leader after healing, median / max | first append after healing, median / max |";

    public IReadOnlyList<string> Violations => Verdict.Violations;

    /// <summary>One row of docs/testing.md's results table.</summary>
    public string Row()
    {
        var faults = string.Join(", ", Faults.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Seed} | {Elapsed.TotalMinutes:0.0} | {Operations:N0} | {Appends:N0} ({Acknowledged:N0}) | {Verdict.RetainedThenDeleted:N0} | {Reads:N0} ({Answered:N0}) | {Faults.Values.Sum()}: {faults} | {Violations.Count} | {Spread(r => r.LeaderSeconds)} | {Spread(r => r.AppendSeconds)} |");
    }

    private string Spread(Func<Recovery, double> measure)
    {
        var sorted = Recoveries.Select(measure).Where(s => s >= 0).Order().ToList();
        return sorted.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{sorted[sorted.Count / 2]:0.00} / {sorted[^1]:0.00} s");
    }
}

/// <summary>
/// One seed: a 3-node cluster of real processes behind the fault proxies; keyed and unkeyed writers, linearizable and
/// local readers and tails run while the <see cref="NemesisSchedule"/> breaks things; then everything heals, a last
/// append must be acknowledged and reach every member, every member's log is read, and <see cref="NemesisChecker"/>
/// judges the history.
/// </summary>
internal sealed class NemesisRun(int seed, TimeSpan duration, Action<string> log)
{
    private const int KeyedWriters = 2;
    private const int UnkeyedWriters = 2;
    private const int LinearizableReaders = 2;
    private const int LocalReaders = 1;
    private const int Tails = 2;
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(90);

    public async Task<NemesisResult> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = NemesisCluster.Start(3);
        try
        {
            await Poll.UntilAsync(async () => await cluster.Http.LeaderAsync(cluster.Running) is not null, Convergence, "a first leader");
            log($"{clock.Elapsed.TotalSeconds:0.0}s: a first leader; clients start");
            var history = new NemesisHistory(clock);
            var clients = new NemesisClients(cluster, history, $"seed{seed}");
            var schedule = new NemesisSchedule(cluster, clients, history, new Random(seed), log);
            using var stop = new CancellationTokenSource();
            var workers = StartClients(clients, history, stop.Token);
            await schedule.RunAsync(duration, clock);
            await stop.CancelAsync();
            await Task.WhenAll(workers);

            var logs = await ConvergeAsync(cluster, clients, history);
            foreach (var catchUp in await schedule.Cut.CatchUps()) log($"snapshot catch-up: {catchUp}");
            var verdict = NemesisChecker.Check(history.Appends, history.Reads, logs, schedule.Cut.HighestCut);
            verdict.Violations.AddRange(clients.Anomalies);
            verdict.Violations.AddRange(schedule.Stuck);
            var missing = schedule.Kinds.Where(k => !schedule.FaultsByKind.ContainsKey(k)).ToList();
            if (missing.Count > 0) log($"kinds never injected: {string.Join(", ", missing)}");
            log($"acknowledged appends deleted by a cut: {verdict.RetainedThenDeleted} read before the cut, {verdict.DeletedUnread} never read; unanswered reads: {string.Join(", ", history.Unanswered.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Key} {u.Value}"))}");
            if (verdict.Violations.Count > 0) log(cluster.Transcripts(lines: 60));
            var appends = history.Appends;
            return new NemesisResult(seed, clock.Elapsed, appends.Count + history.ReadAttempts + schedule.FaultsByKind.Values.Sum(),
                appends.Count, appends.Count(a => a.Acknowledged is not null), history.ReadAttempts, history.Reads.Count,
                schedule.FaultsByKind, schedule.Recoveries, verdict, logs.Count, logs.Count == 0 ? 0 : logs[0].Entries.Count, schedule.Kinds);
        }
        catch
        {
            log($"seed {seed} failed at {clock.Elapsed.TotalSeconds:0.0}s");
            log(cluster.Transcripts(lines: 60));
            throw;
        }
    }

    private static List<Task> StartClients(NemesisClients clients, NemesisHistory history, CancellationToken stop)
    {
        var workers = new List<Task>();
        foreach (var w in Enumerable.Range(0, KeyedWriters)) workers.Add(Loop(w, async (i, random) => history.Add(await clients.AppendKeyedAsync($"k{w}-{i}", random, TimeSpan.FromSeconds(20)))));
        foreach (var w in Enumerable.Range(0, UnkeyedWriters)) workers.Add(Loop(100 + w, async (i, random) => history.Add(await clients.AppendUnkeyedAsync($"u{w}-{i}", random))));
        for (var r = 0; r < LinearizableReaders; r++) workers.Add(Loop(200 + r, (_, random) => clients.ReadAsync(ReadKind.Linearizable, random)));
        for (var r = 0; r < LocalReaders; r++) workers.Add(Loop(300 + r, (_, random) => clients.ReadAsync(ReadKind.Local, random)));
        for (var t = 0; t < Tails; t++)
        {
            var random = new Random(400 + t);
            workers.Add(Task.Run(() => clients.TailAsync(random, stop), CancellationToken.None));
        }
        return workers;

        Task Loop(int client, Func<int, Random, Task> operation) => Task.Run(async () =>
        {
            var random = new Random(client);
            for (var i = 0; !stop.IsCancellationRequested; i++) await operation(i, random);
        }, CancellationToken.None);
    }

    /// <summary>
    /// After the last heal: the membership reconciled, a final keyed append acknowledged, every member applied up to
    /// it, then every member's log.
    /// </summary>
    private async Task<List<FinalLog>> ConvergeAsync(NemesisCluster cluster, NemesisClients clients, NemesisHistory history)
    {
        await Poll.UntilAsync(async () => await cluster.Http.LeaderAsync(cluster.Running) is not null, Convergence, "a leader after the last heal");
        foreach (var node in await cluster.ReconcileAsync()) log($"{node} is no longer a member; stopped it");
        var final = await clients.AppendKeyedAsync("final", new Random(seed), Convergence);
        history.Add(final);
        if (final.Acknowledged is not { } ack) throw new TimeoutException($"the final append was not acknowledged within {Convergence.TotalSeconds:0} s");
        foreach (var node in await cluster.ReconcileAsync()) log($"{node} is no longer a member; stopped it");
        var logs = new List<FinalLog>();
        foreach (var node in cluster.Members)
        {
            // GET /log/{index} answers 200 once this node has applied it.
            await Poll.UntilAsync(async () => (await cluster.Http.GetAsync(node.ApiUri($"/log/{ack.Index}"), TimeSpan.FromSeconds(3))).Status == 200,
                Convergence, $"{node} to apply the final append at {ack.Index}");
            var (entries, firstIndex) = (await cluster.Http.ReadLogAsync(node))!.Value;
            logs.Add(new FinalLog(node.Id, entries, firstIndex));
        }
        log($"final logs: {string.Join(", ", logs.Select((l, i) => $"#{i} = node {l.Node}, {l.Entries.Count} entries from {l.FirstIndex}"))}");
        return logs;
    }
}
