using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace HttpRaft.EndToEnd.Tests.History;

/// <summary>
/// The clients of a history run, over plain HTTP: an append retried under one idempotency key (following 307s,
/// moving to another node after a refused connection or a 503) until acknowledged or given up, and a linearizable
/// page read. Each records its start and end on the run's shared stopwatch.
/// </summary>
internal sealed class HistoryClients(LocalCluster cluster, Stopwatch clock, string runId, string readConsistency)
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(20);
    // Longer than the nodes' commit timeout (5 s), so a read refused with 503 is seen as a refusal, not a client timeout.
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(8);

    /// <summary>The page size of a read: as GET /log's maximum.</summary>
    public const int ReadLimit = 1000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> retries = new(StringComparer.Ordinal);

    /// <summary>
    /// Why append attempts were retried (a status code, "connection failed" or "timed out"), with counts, or "none":
    /// what a careful client absorbed. A 307 is not counted: following it is the protocol, not a failure.
    /// </summary>
    public string Retries => retries.IsEmpty ? "none" : string.Join(", ", retries.OrderByDescending(r => r.Value).Select(r => $"{r.Value}× {r.Key}"));

    public async Task<AppendOp> AppendAsync(string entry, Random random)
    {
        var key = $"{runId}-{entry}";
        var start = clock.ElapsedTicks;
        var target = RandomNode(random);
        while (clock.ElapsedTicks - start < GiveUpAfter.TotalSeconds * Stopwatch.Frequency)
        {
            try
            {
                using var timeout = new CancellationTokenSource(AttemptTimeout);
                using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = JsonContent.Create(new { entry }) };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await cluster.Http.SendAsync(request, timeout.Token);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var ack = (await response.Content.ReadFromJsonAsync<Acknowledged>(timeout.Token))!;
                    return new AppendOp(entry, start, clock.ElapsedTicks, (ack.Index, ack.Term));
                }
                if (response.StatusCode == HttpStatusCode.UnprocessableEntity) throw new InvalidOperationException($"'{entry}' under its own key got 422");
                target = response.StatusCode == HttpStatusCode.TemporaryRedirect && response.Headers.Location is { } leader ? leader : RandomNode(random);
                if (response.StatusCode != HttpStatusCode.TemporaryRedirect)
                {
                    retries.AddOrUpdate(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                    await Task.Delay(100);
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // The node is down or hung: the same key at another node is safe.
                retries.AddOrUpdate(e is HttpRequestException ? "connection failed" : "timed out", 1, (_, n) => n + 1);
                target = RandomNode(random);
                await Task.Delay(50);
            }
        }
        return new AppendOp(entry, start, clock.ElapsedTicks, null);
    }

    /// <summary>
    /// One page read on <paramref name="node"/> from <paramref name="from"/>; the op is null when refused or unanswered
    /// (those promise nothing), and the failure says how.
    /// </summary>
    public async Task<(ReadOp? Read, string? Failure)> ReadAsync(int node, long from)
    {
        var start = clock.ElapsedTicks;
        try
        {
            using var timeout = new CancellationTokenSource(ReadTimeout);
            var uri = cluster.Nodes[node].ApiUri($"/log?index={from}&limit={ReadLimit}&consistency={readConsistency}");
            using var response = await cluster.Http.GetAsync(uri, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK) return (null, $"{(int)response.StatusCode}");
            var page = (await response.Content.ReadFromJsonAsync<Page>(timeout.Token))!;
            var entries = page.Entries.ToDictionary(e => e.Index, e => e.Entry);
            return (new ReadOp(node, start, clock.ElapsedTicks, from, entries, page.Entries.Count == ReadLimit), null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return (null, e is HttpRequestException ? "connection failed" : "timed out");
        }
    }

    private Uri RandomNode(Random random) => cluster.Nodes[random.Next(cluster.Nodes.Count)].ApiUri("/log");

    private sealed record Page(List<LogEntry> Entries, long CommitIndex);
}
