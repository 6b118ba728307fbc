using System.Diagnostics;

namespace HttpRaft.EndToEnd.Tests.History;

/// <summary>
/// One run of the history test: writers and readers in a loop, a nemesis that kills the leader and restarts it on
/// a seeded schedule, and an observer that counts leader changes from <c>GET /status</c>. Records what happened.
/// </summary>
internal sealed class HistoryRun(LocalCluster cluster, HistoryClients clients, int seed, ITestOutputHelper output, Stopwatch clock)
{
    private readonly List<AppendOp> appends = [];
    private readonly List<ReadOp> reads = [];
    private readonly HashSet<(long Term, int Leader)> leaders = [];
    private readonly Dictionary<string, int> readFailures = [];
    private long highestAck;
    private int readAttempts;

    public IReadOnlyList<AppendOp> Appends => appends;

    public IReadOnlyList<ReadOp> Reads => reads;

    public int ReadAttempts => readAttempts;

    /// <summary>Why reads went unanswered: status code or client-side failure, with counts.</summary>
    public string ReadFailures
    {
        get
        {
            lock (readFailures) return readFailures.Count == 0 ? "none" : string.Join(", ", readFailures.OrderByDescending(f => f.Value).Select(f => $"{f.Value}× {f.Key}"));
        }
    }

    public int Kills { get; private set; }

    /// <summary>Counts a leader seen outside the run (the one that leads at the end).</summary>
    public void SawLeader(long term, int id) => leaders.Add((term, id));

    /// <summary>Distinct (term, leader) pairs seen, less the first.</summary>
    public int LeaderChanges => Math.Max(0, leaders.Count - 1);

    public async Task RunAsync(int writers, int readers, TimeSpan duration)
    {
        using var stop = new CancellationTokenSource();
        var workers = new List<Task>();
        workers.AddRange(Enumerable.Range(0, writers).Select(w => Task.Run(() => WriteAsync(w, stop.Token))));
        workers.AddRange(Enumerable.Range(0, readers).Select(r => Task.Run(() => ReadAsync(r, stop.Token))));
        var observer = Task.Run(() => ObserveAsync(stop.Token));
        await NemesisAsync(duration);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        await observer;
    }

    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        var random = new Random(seed * 31 + writer);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var op = await clients.AppendAsync($"w{writer}-{i}", random);
            lock (appends) appends.Add(op);
            if (op.Acknowledged is { } ack) InterlockedMax(ref highestAck, ack.Index);
        }
    }

    private async Task ReadAsync(int reader, CancellationToken stop)
    {
        var random = new Random(seed * 37 + reader + 1000);
        while (!stop.IsCancellationRequested)
        {
            // Near the tail, so each page covers the appends acknowledged recently.
            var from = Math.Max(1, Volatile.Read(ref highestAck) - 200);
            Interlocked.Increment(ref readAttempts);
            var (read, failure) = await clients.ReadAsync(random.Next(cluster.Nodes.Count), from);
            if (read is not null)
            {
                lock (reads) reads.Add(read);
                continue;
            }
            lock (readFailures) readFailures[failure!] = readFailures.GetValueOrDefault(failure!) + 1;
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Every 2–5 s: kill -9 the leader, restart it 0.3–1.5 s later on its data directory, and wait until it serves.</summary>
    private async Task NemesisAsync(TimeSpan duration)
    {
        var random = new Random(seed);
        while (clock.Elapsed < duration)
        {
            await Task.Delay(random.Next(2000, 5000));
            var leader = await CurrentLeaderAsync();
            if (leader is null) continue;
            leader.Process.Kill();
            Kills++;
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: killed the leader, node {leader.Id}; {Count(appends)} appends, {Count(reads)} reads so far");
            await Task.Delay(random.Next(300, 1500));
            var restarted = await cluster.RestartAsync(leader.Id);
            // One failure at a time: the next kill waits until the restarted node serves again (a process start takes
            // seconds on a loaded machine), so the other two always keep a majority between kills.
            await cluster.WaitForStatusAsync(restarted, _ => true, TimeSpan.FromSeconds(30));
        }
    }

    private async Task ObserveAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var node in cluster.Nodes)
            {
                if (await cluster.TryStatusAsync(node) is { IsLeader: true } status) leaders.Add((status.Term, status.Id));
            }
            await Task.Delay(100, CancellationToken.None);
        }
    }

    private async Task<ClusterNode?> CurrentLeaderAsync()
    {
        foreach (var node in cluster.Nodes)
        {
            if (await cluster.TryStatusAsync(node) is { IsLeader: true }) return node;
        }
        return null;
    }

    private static int Count<T>(List<T> list)
    {
        lock (list) return list.Count;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
