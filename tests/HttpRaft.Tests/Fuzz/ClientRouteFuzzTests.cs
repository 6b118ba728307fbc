using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CsCheck;
using HttpRaft.Testing;
using HttpRaft.Tests.Cluster;
using HttpRaft.Tests.Security;
using Xunit.Abstractions;

namespace HttpRaft.Tests.Fuzz;

/// <summary>
/// Random and mutated requests at every client route of every node of a three-node cluster. No answer is a 5xx
/// other than a 503 with Retry-After (no leader yet, or a commit timeout), every 4xx is a problem, no node logs an
/// error, and afterwards every node's log holds exactly the entries whose appends were acknowledged.
/// </summary>
public sealed class ClientRouteFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Seeds =
    [
        """{"entry": "hello"}""", """{"entry": ""}""", """{"entry": "\u00e9\ud83d\ude00 tab\t"}""", """{"entry": "a", "extra": [1, 2]}""", """{"entry": "x", "entry": "y"}""",
    ];

    private static readonly string[] QueryKeys = ["index", "limit", "wait", "consistency", "x"];
    private static readonly string[] QueryValues = ["1", "0", "-1", "abc", "", "1000", "1001", "9223372036854775807", "9223372036854775808", "1e3", "%00", "linearizable", " 1"];

    private static Gen<string> Query { get; } = Gen.Select(Gen.OneOf(QueryKeys), Gen.Frequency((3, Gen.OneOf(QueryValues)), (1, Gen.Long.Select(v => v.ToString(CultureInfo.InvariantCulture))), (1, Gen.String)))
        .Array[0, 3].Select(pairs => string.Join("&", pairs.Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}")));

    /// <summary>Now and then an entry around the entry and body limits (512 KiB, 1 MiB), which must get 413, never a 5xx.</summary>
    private static Gen<byte[]> Bodies { get; } = Gen.Frequency(
        (200, FuzzInputs.Body(Seeds)),
        (1, Gen.Int[500 * 1024, 1200 * 1024].Select(n => System.Text.Encoding.UTF8.GetBytes($"{{\"entry\": \"{new string('a', n)}\"}}"))));

    private static Gen<ClientRequest> Requests { get; } = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 9], Bodies, Query, Gen.Frequency((4, Gen.OneOf(QueryValues)), (1, Gen.String)),
        (node, route, body, query, segment) => route switch
        {
            <= 2 => new ClientRequest(node, "POST", "/log", body),
            <= 4 => new ClientRequest(node, "POST", "/request", body),
            5 => new ClientRequest(node, "GET", $"/log?{query}", null),
            6 => new ClientRequest(node, "GET", $"/log/{Uri.EscapeDataString(segment)}", null),
            7 => new ClientRequest(node, "GET", $"/status?{query}", null),
            8 => new ClientRequest(node, "DELETE", "/log", body),
            _ => new ClientRequest(node, "PUT", $"/log/{Uri.EscapeDataString(segment)}", body),
        });

    [Fact]
    public async Task Random_client_requests_never_get_a_5xx_and_leave_only_acknowledged_entries()
    {
        var iterations = FuzzSettings.Iterations(3000);
        output.WriteLine(FuzzSettings.Describe("client routes", iterations));
        using var console = new ConsoleCapture();
        var acknowledged = new SortedSet<long>();
        var statuses = new SortedDictionary<int, int>();
        await using (var cluster = TestCluster.Start())
        {
            await cluster.WaitForLeaderAsync();
            await Requests.SampleAsync(
                async request =>
                {
                    var status = await SendAsync(cluster, request, acknowledged);
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                },
                seed: FuzzSettings.Seed, iter: iterations, threads: 1);

            var leader = await cluster.WaitForLeaderAsync();
            acknowledged.Add(await cluster.AppendAsync(leader, "after the fuzz"));
            foreach (var id in cluster.RunningIds)
            {
                await Eventually.HoldsAsync(async () => (await ReadAllIndexesAsync(cluster, id)).SetEquals(acknowledged), $"node {id}'s log to hold exactly the {acknowledged.Count} acknowledged entries");
            }
        }

        output.WriteLine($"statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; {acknowledged.Count} entries acknowledged");
        AssertNoErrorsLogged(console.Text);
    }

    /// <summary>Sends one request and checks its answer; returns the status.</summary>
    private static async Task<int> SendAsync(TestCluster cluster, ClientRequest request, SortedSet<long> acknowledged)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), cluster.Api(request.Node, request.PathAndQuery));
        if (request.Body is not null) message.Content = new ByteArrayContent(request.Body);
        // A large body waits for the server's go-ahead, so a 413 decided from the Content-Length is read, not cut off mid-upload.
        message.Headers.ExpectContinue = request.Body?.Length > 64 * 1024;
        using var response = await cluster.Http.SendAsync(message);
        var status = (int)response.StatusCode;
        if (status >= 500 && !(status == 503 && response.Headers.RetryAfter is not null))
        {
            throw new InvalidOperationException($"{request} got {status}: {await response.Content.ReadAsStringAsync()}");
        }
        if (status >= 400) await Problem.AssertAsync(response, response.StatusCode);
        if (AcknowledgedIndex(status, await response.Content.ReadAsStringAsync()) is { } index) acknowledged.Add(index);
        return status;
    }

    /// <summary>The index of an acknowledged append: a 201 from POST /log, or a successful POST /request.</summary>
    private static long? AcknowledgedIndex(int status, string body)
    {
        if (status is not (200 or 201) || body.Length == 0 || body[0] != '{') return null;
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var appended = status == 201 || (root.TryGetProperty("success", out var success) && success.GetBoolean());
        return appended && root.TryGetProperty("index", out var index) ? index.GetInt64() : null;
    }

    private static async Task<HashSet<long>> ReadAllIndexesAsync(TestCluster cluster, int id)
    {
        var indexes = new HashSet<long>();
        long next = 1;
        while (true)
        {
            var page = await cluster.Http.GetFromJsonAsync<PageJson>(cluster.Api(id, $"/log?index={next}&limit=1000"));
            if (page!.Entries.Count == 0) return indexes;
            foreach (var entry in page.Entries) indexes.Add(entry.Index);
            next = page.Entries[^1].Index + 1;
        }
    }

    /// <summary>Serilog writes <c>ERR]</c> or <c>FTL]</c> for errors: an unhandled exception or a 5xx would show as one.</summary>
    internal static void AssertNoErrorsLogged(string log)
    {
        var errors = log.Split('\n').Where(l => l.Contains(" ERR]", StringComparison.Ordinal) || l.Contains(" FTL]", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"the nodes logged errors:\n{string.Join("\n", errors.Take(10))}");
    }
}

/// <summary>One fuzzed client request.</summary>
internal sealed record ClientRequest(int Node, string Method, string PathAndQuery, byte[]? Body)
{
    public override string ToString() =>
        $"{Method} {PathAndQuery} to node {Node}{(Body is null ? "" : $" with body {System.Text.Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 2000)))}")}";
}
