using System.Collections.Concurrent;
using System.Diagnostics;

namespace HttpRaft.EndToEnd.Tests.History;

/// <summary>
/// Keyed writers running against a <see cref="LocalCluster"/> while a test changes it (restarts, replaces a node):
/// each appends unique entries one after another through <see cref="HistoryClients.AppendAsync"/> (307 followed, 503
/// and refused connections retried under one Idempotency-Key), and what they saw is checked afterwards: every append
/// acknowledged, each acknowledged one in every member's log exactly once at its index (<see cref="HistoryChecker"/>).
/// </summary>
internal sealed class WriteLoad : IAsyncDisposable
{
    private readonly ConcurrentBag<AppendOp> appends = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] writers;
    private readonly Stopwatch clock;

    /// <param name="clients">The clients, on the run's shared stopwatch <paramref name="clock"/>.</param>
    /// <param name="count">How many writers.</param>
    /// <param name="seed">Writer <c>w</c> picks nodes with <c>new Random(seed + w)</c>.</param>
    public WriteLoad(HistoryClients clients, Stopwatch clock, int count, int seed)
    {
        this.clock = clock;
        writers = [.. Enumerable.Range(0, count).Select(w => Task.Run(() => WriteAsync(clients, w, new Random(seed + w))))];
    }

    /// <summary>Every append made so far, finished ones only.</summary>
    public IReadOnlyList<AppendOp> Appends => [.. appends];

    public int AcknowledgedCount => appends.Count(a => a.Acknowledged is not null);

    /// <summary>Waits until <paramref name="more"/> more appends than now have been acknowledged.</summary>
    public Task WaitForAcknowledgedAsync(int more)
    {
        var target = AcknowledgedCount + more;
        return Poll.UntilAsync(() => AcknowledgedCount >= target, TimeSpan.FromSeconds(60), $"{more} more acknowledged appends");
    }

    /// <summary>Stops the writers once their current appends have finished.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(writers);
    }

    /// <summary>
    /// The longest time, in milliseconds, within [<paramref name="from"/>, <paramref name="to"/>] (stopwatch ticks)
    /// during which no append was acknowledged: between two acknowledgements, or from a bound to the nearest one.
    /// </summary>
    public double LongestGap(long from, long to) => Gap(from, to).Milliseconds;

    /// <summary><see cref="LongestGap"/>, with where it began: milliseconds after <paramref name="from"/>.</summary>
    public (double Milliseconds, double StartsAfter) Gap(long from, long to)
    {
        var times = appends.Where(a => a.Acknowledged is not null).Select(a => a.End).Where(t => t > from && t < to).Append(from).Append(to).Order().ToList();
        long longest = 0, startsAt = from;
        for (var i = 1; i < times.Count; i++)
        {
            if (times[i] - times[i - 1] <= longest) continue;
            longest = times[i] - times[i - 1];
            startsAt = times[i - 1];
        }
        return (longest * 1000.0 / Stopwatch.Frequency, (startsAt - from) * 1000.0 / Stopwatch.Frequency);
    }

    /// <summary>"N ms (from +S s)": the longest gap in [<paramref name="from"/>, now], for a report.</summary>
    public string DescribeGap(long from)
    {
        var (milliseconds, startsAfter) = Gap(from, Now);
        return $"{milliseconds:F0} ms (from +{startsAfter / 1000:F1} s)";
    }

    /// <summary>The stopwatch's time now, in ticks, to mark a step for <see cref="LongestGap"/>.</summary>
    public long Now => clock.ElapsedTicks;

    /// <summary>
    /// Stops the writers, appends one last entry through <paramref name="clients"/> and waits until every node of
    /// <paramref name="members"/> has committed it, then checks the history with <see cref="HistoryChecker"/>: every
    /// acknowledged append in every member's log exactly once, at the index and term it was acknowledged with, no entry
    /// twice, the logs the same. Fails with the violations; returns the number of acknowledged appends checked.
    /// </summary>
    public async Task<int> CheckAsync(LocalCluster cluster, HistoryClients clients, IReadOnlyList<ClusterNode> members)
    {
        await StopAsync();
        var last = await clients.AppendAsync("final", new Random(0));
        Assert.True(last.Acknowledged is not null, "the final append was not acknowledged");
        foreach (var node in members)
        {
            await cluster.WaitForStatusAsync(node, s => s.CommitIndex >= last.Acknowledged!.Value.Index, TimeSpan.FromSeconds(30));
        }
        var logs = new List<IReadOnlyList<(long, long, string)>>();
        foreach (var node in members) logs.Add([.. (await cluster.ReadLogAsync(node)).Entries.Select(e => (e.Index, e.Term, e.Entry))]);
        var history = new History([.. Appends, last], [], logs);
        var violations = HistoryChecker.Check(history);
        Assert.True(violations.Count == 0, $"{violations.Count} violations of the history (nodes {string.Join(", ", members.Select(n => n.Id))}):\n{string.Join('\n', violations.Take(20))}");
        return history.Appends.Count(a => a.Acknowledged is not null);
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested) await StopAsync();
        stop.Dispose();
    }

    private async Task WriteAsync(HistoryClients clients, int writer, Random random)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++) appends.Add(await clients.AppendAsync($"w{writer}-{i}", random));
    }
}
