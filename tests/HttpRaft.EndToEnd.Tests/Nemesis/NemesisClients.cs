using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HttpRaft.EndToEnd.Tests.History;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>
/// The clients of a run, over plain HTTP to the API ports (never through the proxies), each recording into the
/// <see cref="NemesisHistory"/>: keyed appends retried under one Idempotency-Key on any node until acknowledged;
/// unkeyed appends tried once (following 307s, which promise nothing was appended), since a blind retry could append
/// twice; linearizable and local page reads near the tail; long-poll tails pinned to one node.
/// </summary>
internal sealed class NemesisClients(NemesisCluster cluster, NemesisHistory history, string runId)
{
    public const int PageLimit = 1000;
    private const int TailLimit = 100;
    private static readonly TimeSpan KeyedAttempt = TimeSpan.FromSeconds(3);
    // Longer than a pause: an old leader that wakes up and answers is what the checker must see.
    private static readonly TimeSpan UnkeyedAttempt = TimeSpan.FromSeconds(10);
    // Longer than the nodes' commit timeout (5 s), so a refused read is seen as a refusal, not a client timeout.
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan TailTimeout = TimeSpan.FromSeconds(8);

    private readonly Dictionary<string, (int Count, string First)> serverErrors = [];
    private readonly List<string> anomalies = [];

    /// <summary>
    /// Anomalies a client saw directly: a 422 for a retry of its own key, and any 5xx but a 503 (a node must answer
    /// every request it cannot serve with 503 and Retry-After), one line per request kind and status.
    /// </summary>
    public IReadOnlyList<string> Anomalies
    {
        get
        {
            lock (anomalies)
            {
                return [.. anomalies, .. serverErrors.Select(e => $"{e.Value.Count} × {e.Key}, the first: {e.Value.First}")];
            }
        }
    }

    public async Task<NemesisAppend> AppendKeyedAsync(string entry, Random random, TimeSpan giveUp)
    {
        var start = history.Now;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < giveUp)
        {
            if (RandomMember(random) is not { } node)
            {
                await Task.Delay(100);
                continue;
            }
            var answer = Checked("keyed POST /log", await cluster.Http.SendAsync(node.ApiUri("/log"), uri => Append(uri, entry, $"{runId}-{entry}"), KeyedAttempt));
            if (answer.Status == 201) return Acknowledged(entry, keyed: true, start, answer);
            if (answer.Status == 422) Anomaly($"'{entry}' retried under its own key got 422 from {answer.From.Authority}: {answer.Body}");
            await Task.Delay(answer.Answered ? 100 : 50);
        }
        return new NemesisAppend(entry, Keyed: true, start, history.Now, -1, null);
    }

    public async Task<NemesisAppend> AppendUnkeyedAsync(string entry, Random random)
    {
        var start = history.Now;
        if (RandomMember(random) is not { } node) return new NemesisAppend(entry, Keyed: false, start, history.Now, -1, null);
        var answer = Checked("unkeyed POST /log", await cluster.Http.SendAsync(node.ApiUri("/log"), uri => Append(uri, entry, key: null), UnkeyedAttempt));
        return answer.Status == 201 ? Acknowledged(entry, keyed: false, start, answer) : new NemesisAppend(entry, Keyed: false, start, history.Now, -1, null);
    }

    /// <summary>One page read near the tail on a random member; recorded when it gets a page.</summary>
    public async Task ReadAsync(ReadKind kind, Random random)
    {
        if (RandomMember(random) is not { } node) return;
        var from = Math.Max(1, history.HighestAck - 200);
        var consistency = kind == ReadKind.Linearizable ? "&consistency=linearizable" : "";
        history.ReadStarted();
        var start = history.Now;
        var answer = Checked($"{kind.ToString().ToLowerInvariant()} GET /log", await cluster.Http.GetAsync(node.ApiUri($"/log?index={from}&limit={PageLimit}{consistency}"), ReadTimeout));
        if (Page(answer) is { } page) history.Add(new NemesisRead(kind, Op(node, start, from, page, PageLimit)));
        else history.ReadFailed(kind, answer.Answered ? answer.Status.ToString(CultureInfo.InvariantCulture) : answer.Body);
    }

    /// <summary>Follows the log with long-polls on one member, moving to another when that one fails, until <paramref name="stop"/>.</summary>
    public async Task TailAsync(Random random, CancellationToken stop)
    {
        var node = RandomMember(random);
        var next = Math.Max(1, history.HighestAck);
        while (!stop.IsCancellationRequested)
        {
            if (node is null || !node.IsMember)
            {
                node = RandomMember(random);
                await Task.Delay(100, CancellationToken.None);
                continue;
            }
            history.ReadStarted();
            var start = history.Now;
            var answer = Checked("tail GET /log", await cluster.Http.GetAsync(node.ApiUri($"/log?index={next}&limit={TailLimit}&wait=2000"), TailTimeout));
            if (Page(answer) is { } page)
            {
                history.Add(new NemesisRead(ReadKind.Tail, Op(node, start, next, page, TailLimit)));
                if (page.Entries.Count > 0) next = page.Entries[^1].Index + 1;
                continue;
            }
            history.ReadFailed(ReadKind.Tail, answer.Answered ? answer.Status.ToString(CultureInfo.InvariantCulture) : answer.Body);
            // 410: the prefix was cut away; go on from the first index still kept.
            if (answer.Status == 410) next = FirstIndexOf(answer) ?? next;
            else node = RandomMember(random);
            await Task.Delay(100, CancellationToken.None);
        }
    }

    private NemesisNode? RandomMember(Random random)
    {
        var members = cluster.Members;
        lock (random) return members.Count == 0 ? null : members[random.Next(members.Count)];
    }

    private NemesisAppend Acknowledged(string entry, bool keyed, long start, Answer answer)
    {
        var ack = answer.Read<Acknowledged>()!;
        var node = cluster.Nodes.FirstOrDefault(n => n.Api == answer.From.Authority)?.Id ?? -1;
        return new NemesisAppend(entry, keyed, start, history.Now, node, (ack.Index, ack.Term));
    }

    private static HttpRequestMessage Append(Uri uri, string entry, string? key)
    {
        var request = NodeHttp.JsonRequest(HttpMethod.Post, uri, new { entry });
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static NodeHttp.Page? Page(Answer answer) => answer.Status == 200 ? answer.Read<NodeHttp.Page>() : null;

    private ReadOp Op(NemesisNode node, long start, long from, NodeHttp.Page page, int limit) =>
        new(node.Id, start, history.Now, from, page.Entries.ToDictionary(e => e.Index, e => e.Entry), page.Entries.Count == limit);

    /// <summary>The <c>firstIndex</c> a 410 names.</summary>
    public static long? FirstIndexOf(Answer answer)
    {
        try
        {
            using var problem = JsonDocument.Parse(answer.Body);
            return problem.RootElement.TryGetProperty("firstIndex", out var first) && first.TryGetInt64(out var index) ? index : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Anomaly(string what)
    {
        lock (anomalies) anomalies.Add(what);
    }

    /// <summary>Counts a server error (5xx but 503) as an anomaly; returns the answer.</summary>
    private Answer Checked(string request, Answer answer)
    {
        if (answer.Status < 500 || answer.Status == 503) return answer;
        var key = $"{request} answered {answer.Status}";
        lock (anomalies)
        {
            var first = serverErrors.TryGetValue(key, out var seen) ? seen.First : $"{answer.From.Authority}: {(answer.Body.Length > 300 ? answer.Body[..300] : answer.Body)}";
            serverErrors[key] = (seen.Count + 1, first);
        }
        return answer;
    }
}
