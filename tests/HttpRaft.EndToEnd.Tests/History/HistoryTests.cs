using System.Diagnostics;
using System.Globalization;

namespace HttpRaft.EndToEnd.Tests.History;

/// <summary>
/// Issue 6's history check: 4 writers (appends with idempotency keys, retried through failures) and 2 linearizable
/// readers run against three real processes while the leader is killed (-9) and restarted every few seconds; every
/// operation's start, end and result is recorded and <see cref="HistoryChecker"/> must find no violation.
/// </summary>
public sealed class HistoryTests(ITestOutputHelper output, Report report) : IClassFixture<Report>
{
    private const int Writers = 4;
    private const int Readers = 2;
    private static readonly TimeSpan ElectionDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Concurrent_clients_under_leader_kills_see_exactly_once_appends_and_linearizable_reads()
    {
        var seed = Setting("HTTPRAFT_HISTORY_SEED", Random.Shared.Next());
        var seconds = Setting("HTTPRAFT_HISTORY_SECONDS", 45);
        var consistency = Environment.GetEnvironmentVariable("HTTPRAFT_HISTORY_READS") ?? "linearizable";
        report.Line(output, $"History test seed {seed} (replay the schedule with HTTPRAFT_HISTORY_SEED={seed}), {seconds} s, {consistency} reads");
        var clock = Stopwatch.StartNew();

        await using var cluster = LocalCluster.Start(3);
        try
        {
            await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, ElectionDeadline);
            var clients = new HistoryClients(cluster, clock, $"run{seed}", consistency);
            var run = new HistoryRun(cluster, clients, seed, output, clock);
            await run.RunAsync(Writers, Readers, TimeSpan.FromSeconds(seconds));

            var (final, finalStatus) = await cluster.WaitForLeaderAsync(cluster.Nodes, afterTerm: 0, ElectionDeadline);
            run.SawLeader(finalStatus.Term, final.Id);
            var last = await clients.AppendAsync("final", new Random(seed));
            Assert.NotNull(last.Acknowledged);
            foreach (var node in cluster.Nodes) await cluster.WaitForStatusAsync(node, s => s.CommitIndex >= last.Acknowledged!.Value.Index, ElectionDeadline);
            var logs = new List<IReadOnlyList<(long, long, string)>>();
            foreach (var node in cluster.Nodes) logs.Add((await cluster.ReadLogAsync(node)).Entries.Select(e => (e.Index, e.Term, e.Entry)).ToList());

            var history = new History([.. run.Appends, last], run.Reads, logs);
            var violations = HistoryChecker.Check(history);
            foreach (var violation in violations.Take(20)) output.WriteLine($"violation: {violation}");
            var acked = history.Appends.Count(a => a.Acknowledged is not null);
            report.Line(output, $"History test (seed {seed}, leader {final.Id} at the end): {history.Appends.Count + run.ReadAttempts} operations; "
                + $"{history.Appends.Count} appends, {acked} acknowledged, {history.Appends.Count - acked} given up; "
                + $"{run.ReadAttempts} {consistency} reads, {history.Reads.Count} answered (unanswered: {run.ReadFailures}); {run.Kills} leader kills, {run.LeaderChanges} leader changes; "
                + $"final log {logs[0].Count} entries on every node; {violations.Count} violations; {clock.Elapsed.TotalSeconds:0} s");
            Assert.Empty(violations);
        }
        catch
        {
            output.WriteLine($"seed {seed}");
            output.WriteLine(cluster.Transcripts());
            throw;
        }
    }

    private static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
