using System.Collections.Concurrent;
using System.Diagnostics;

namespace HttpRaft.EndToEnd.Tests.History;

/// <summary>
/// Keyed writers running against a <see cref="LocalCluster"/> while a test changes it (restarts, replaces a node):
/// each appends unique entries one after another through <see cref="HistoryClients.AppendAsync"/> (307 followed, 503
/// and refused connections retried under one Idempotency-Key), and what they saw is checked afterwards: every append
/// acknowledged, each acknowledged one in every member's log exactly once at its index.
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
    public double LongestGap(long from, long to)
    {
        var times = appends.Where(a => a.Acknowledged is not null).Select(a => a.End).Where(t => t > from && t < to).Append(from).Append(to).Order().ToList();
        long longest = 0;
        for (var i = 1; i < times.Count; i++) longest = Math.Max(longest, times[i] - times[i - 1]);
        return longest * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>The stopwatch's time now, in ticks, to mark a step for <see cref="LongestGap"/>.</summary>
    public long Now => clock.ElapsedTicks;

    /// <summary>
    /// Waits until every node of <paramref name="members"/> holds as many entries as were acknowledged, then asserts
    /// that their logs are the same, that no entry is there twice, and that every acknowledged append is there at the
    /// index it was acknowledged with.
    /// </summary>
    public static async Task AssertLogsHoldEveryAppendOnceAsync(LocalCluster cluster, IReadOnlyList<ClusterNode> members, IReadOnlyList<AppendOp> acknowledged)
    {
        var logs = new List<List<LogEntry>>();
        foreach (var node in members)
        {
            await Poll.UntilAsync(async () => (await cluster.ReadLogAsync(node)).Entries.Count >= acknowledged.Count, TimeSpan.FromSeconds(30), $"node {node.Id} to hold every append");
            logs.Add((await cluster.ReadLogAsync(node)).Entries);
        }
        var reference = logs[0];
        Assert.All(logs, log => Assert.Equal(reference.Select(e => (e.Index, e.Entry)), log.Select(e => (e.Index, e.Entry))));
        var duplicates = reference.GroupBy(e => e.Entry).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"appended more than once: {string.Join(", ", duplicates.Take(10))}");
        var byEntry = reference.ToDictionary(e => e.Entry, e => e.Index);
        var lost = acknowledged.Where(a => !byEntry.ContainsKey(a.Entry)).Select(a => a.Entry).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged appends are lost: {string.Join(", ", lost.Take(10))}");
        foreach (var append in acknowledged) Assert.Equal(append.Acknowledged!.Value.Index, byEntry[append.Entry]);
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
