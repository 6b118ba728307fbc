using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace HttpRaft.Tests.Cluster;

/// <summary>
/// Clients that append for as long as a test runs, each append under its own Idempotency-Key, the way a careful
/// client does: follow a 307 to the leader, retry a 503, a 429 or a refused connection with the same key, and give up
/// only after a deadline. Every acknowledgement is kept with its time, so a test can check that none was lost or
/// doubled and measure the longest stretch without one.
/// </summary>
internal sealed class KeyedWriters : IAsyncDisposable
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(20);

    private readonly TestCluster cluster;
    private readonly CancellationTokenSource stop = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ConcurrentBag<(string Entry, long Index, TimeSpan At)> acknowledged = [];
    private readonly ConcurrentBag<string> failures = [];
    private readonly Task[] writers;

    public KeyedWriters(TestCluster cluster, int count)
    {
        this.cluster = cluster;
        writers = [.. Enumerable.Range(0, count).Select(w => Task.Run(() => WriteAsync(w)))];
    }

    /// <summary>Appends acknowledged so far: entry text, index, and when the 201 arrived.</summary>
    public IReadOnlyCollection<(string Entry, long Index, TimeSpan At)> Acknowledged => acknowledged;

    /// <summary>Appends that were given up, or answered with something a careful client cannot retry.</summary>
    public IReadOnlyCollection<string> Failures => failures;

    /// <summary>Time since the writers started, on the clock <see cref="Acknowledged"/> is stamped with.</summary>
    public TimeSpan Now => clock.Elapsed;

    /// <summary>Waits until at least <paramref name="more"/> further appends are acknowledged.</summary>
    public Task WaitForAsync(int more)
    {
        var target = acknowledged.Count + more;
        return Eventually.HoldsAsync(() => acknowledged.Count >= target, $"{more} more acknowledged appends");
    }

    /// <summary>The longest time between two consecutive acknowledgements (of any writer) within [from, to].</summary>
    public TimeSpan LongestGap(TimeSpan from, TimeSpan to)
    {
        var times = acknowledged.Select(a => a.At).Where(t => t >= from && t <= to).Order().ToList();
        var longest = TimeSpan.Zero;
        for (var i = 1; i < times.Count; i++) longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, (times[i] - times[i - 1]).Ticks));
        return longest;
    }

    /// <summary>Stops the writers after the appends in flight end.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(writers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
    }

    private async Task WriteAsync(int writer)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var entry = $"w{writer}-{i}";
            if (await AppendAsync(entry, $"key-{entry}") is { } index) acknowledged.Add((entry, index, clock.Elapsed));
        }
    }

    private async Task<long?> AppendAsync(string entry, string key)
    {
        var started = clock.Elapsed;
        var target = cluster.Api(cluster.RunningIds.First(), "/log");
        while (clock.Elapsed - started < GiveUpAfter)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = JsonContent.Create(new { entry }) };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await cluster.Http.SendAsync(request);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Created:
                        return (await response.Content.ReadFromJsonAsync<AppendedJson>())!.Index;
                    case HttpStatusCode.TemporaryRedirect:
                        target = response.Headers.Location!;
                        continue;
                    case HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests:
                        target = AnyRunningNode();
                        await Task.Delay(20);
                        continue;
                    default:
                        failures.Add($"{entry}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        return null;
                }
            }
            catch (HttpRequestException)
            {
                // The node stopped: the same key at another node is safe.
                target = AnyRunningNode();
                await Task.Delay(20);
            }
        }
        failures.Add($"{entry}: not acknowledged within {GiveUpAfter.TotalSeconds} s");
        return null;
    }

    private Uri AnyRunningNode()
    {
        var running = cluster.RunningIds.ToList();
        return cluster.Api(running[Random.Shared.Next(running.Count)], "/log");
    }
}
