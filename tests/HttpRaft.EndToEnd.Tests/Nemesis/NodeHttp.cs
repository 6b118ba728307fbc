using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>An HTTP answer, or none: <see cref="Status"/> 0 when the request failed or timed out (<see cref="Body"/> says how).</summary>
internal sealed record Answer(int Status, string Body, Uri From)
{
    public bool Answered => Status != 0;

    public T? Read<T>() => JsonSerializer.Deserialize<T>(Body, NodeHttp.Json);
}

/// <summary>The membership as <c>GET /cluster</c> shows it.</summary>
internal sealed record ClusterView(NodeRef? Leader, long Term, List<MemberView> Members);

internal sealed record MemberView(int Id, string Peer, string Api, string Role);

/// <summary>
/// The harness's HTTP to the nodes' API ports: every call has its own deadline (a paused node never answers), 307s are
/// followed by hand where asked (so the caller learns which node answered), nothing throws for a failed request.
/// </summary>
internal sealed class NodeHttp : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const int MaxRedirects = 5;

    private readonly HttpClient client = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>
    /// Sends what <paramref name="request"/> builds for a URI to <paramref name="target"/>, and again to each 307's
    /// Location (a follower that redirects appended nothing, so repeating is safe), within <paramref name="timeout"/>.
    /// </summary>
    public async Task<Answer> SendAsync(Uri target, Func<Uri, HttpRequestMessage> request, TimeSpan timeout, bool follow = true)
    {
        using var deadline = new CancellationTokenSource(timeout);
        for (var hop = 0; ; hop++)
        {
            try
            {
                using var message = request(target);
                using var response = await client.SendAsync(message, deadline.Token);
                var body = await response.Content.ReadAsStringAsync(deadline.Token);
                if (follow && response.StatusCode == HttpStatusCode.TemporaryRedirect && response.Headers.Location is { } location && hop < MaxRedirects)
                {
                    target = location.IsAbsoluteUri ? location : new Uri(target, location);
                    continue;
                }
                return new Answer((int)response.StatusCode, body, target);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                return new Answer(0, e is OperationCanceledException ? "timed out" : "connection failed", target);
            }
        }
    }

    public Task<Answer> GetAsync(Uri target, TimeSpan timeout) => SendAsync(target, uri => new HttpRequestMessage(HttpMethod.Get, uri), timeout, follow: false);

    public async Task<NodeStatus?> StatusAsync(NemesisNode node, TimeSpan timeout)
    {
        var answer = await GetAsync(node.ApiUri("/status"), timeout);
        return answer.Status == 200 ? answer.Read<NodeStatus>() : null;
    }

    /// <summary>The node among <paramref name="candidates"/> that leads the highest term, asked all at once; null when none answers as leader.</summary>
    public async Task<(NemesisNode Node, NodeStatus Status)?> LeaderAsync(IEnumerable<NemesisNode> candidates)
    {
        var asked = candidates.Select(async n => (Node: n, Status: await StatusAsync(n, TimeSpan.FromSeconds(2)))).ToList();
        var answers = await Task.WhenAll(asked);
        var leader = answers.Where(a => a.Status is { IsLeader: true }).OrderByDescending(a => a.Status!.Term).FirstOrDefault();
        return leader.Node is null ? null : (leader.Node, leader.Status!);
    }

    public async Task<ClusterView?> ClusterAsync(NemesisNode node)
    {
        var answer = await GetAsync(node.ApiUri("/cluster"), TimeSpan.FromSeconds(5));
        return answer.Status == 200 ? answer.Read<ClusterView>() : null;
    }

    /// <summary>
    /// Every committed entry <paramref name="node"/> serves, page by page from its first retained index (a page without
    /// <c>index</c> starts there), and that first index (1 until retention cuts the log); null if the node stops answering.
    /// </summary>
    public async Task<(List<LogEntry> Entries, long FirstIndex)?> ReadLogAsync(NemesisNode node)
    {
        var entries = new List<LogEntry>();
        var query = "/log?limit=1000";
        long? firstIndex = null;
        while (true)
        {
            var answer = await GetAsync(node.ApiUri(query), TimeSpan.FromSeconds(10));
            if (answer.Status != 200) return null;
            var page = answer.Read<Page>()!;
            firstIndex ??= page.FirstIndex ?? 1;
            entries.AddRange(page.Entries);
            var next = page.Entries.Count == 0 ? long.MaxValue : page.Entries[^1].Index + 1;
            if (next > page.CommitIndex) return (entries, firstIndex.Value);
            query = $"/log?index={next}&limit=1000";
        }
    }

    public static HttpRequestMessage JsonRequest<T>(HttpMethod method, Uri uri, T body) => new(method, uri) { Content = JsonContent.Create(body, options: Json) };

    public void Dispose() => client.Dispose();

    /// <summary>A page of <c>GET /log</c>; <see cref="FirstIndex"/> once retention exists (docs/design.md §8).</summary>
    public sealed record Page(List<LogEntry> Entries, long CommitIndex, long? FirstIndex = null);
}
