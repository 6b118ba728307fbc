using System.Net;
using HttpRaft.Client.Tests.Fakes;
using HttpRaft.Tests.Cluster;
using static HttpRaft.Client.Tests.Fakes.FakeClient;

namespace HttpRaft.Client.Tests.Unit;

/// <summary>TailAsync against scripted members: long-polls in order, survives a failed member, and surfaces a 410.</summary>
public sealed class TailTests
{
    private readonly FakeMembers members = new();
    private readonly VirtualTime time = new();

    private const string FollowerStatus = """{"id":0,"role":"Follower","term":3,"leader":{"id":1,"api":"b.test:9000"},"commitIndex":3,"appliedIndex":3,"lastIndex":3}""";
    private const string RemovedStatus = """{"id":0,"role":"removed","term":3,"leader":null,"commitIndex":2,"appliedIndex":2,"lastIndex":2}""";

    [Fact]
    public async Task A_tail_long_polls_from_the_index_after_the_last_entry_it_yielded()
    {
        var polls = 0;
        members.On(A, r => r.Uri.AbsolutePath == "/status"
            ? Answer.Json(HttpStatusCode.OK, FollowerStatus)
            : Interlocked.Increment(ref polls) switch
            {
                1 => Answer.Page(3, (1, "a"), (3, "c")),
                2 => Answer.Page(3),
                _ => Answer.Page(5, (5, "e")),
            });
        var client = Create(members, time, o => { o.LongPollWait = TimeSpan.FromSeconds(20); o.PageSize = 50; });

        var entries = await TakeAsync(client.TailAsync(1), 3);

        Assert.Equal([1L, 3, 5], entries.Select(e => e.Index));
        // A poll that waited in vain is followed by a look at the member's status: it is still a member, so the tail stays.
        Assert.Equal(
            ["/log?index=1&limit=50&wait=20000", "/log?index=4&limit=50&wait=20000", "/status", "/log?index=4&limit=50&wait=20000"],
            members.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task A_tail_whose_member_waited_in_vain_and_reports_itself_removed_goes_on_at_another_member()
    {
        var polls = 0;
        members.On(A, r => r.Uri.AbsolutePath == "/status"
            ? Answer.Json(HttpStatusCode.OK, RemovedStatus)
            : Interlocked.Increment(ref polls) == 1 ? Answer.Page(2, (1, "a"), (2, "b")) : Answer.Page(2));
        members.On(B, _ => Answer.Page(3, (3, "c")));
        var client = Create(members, time, endpoints: [A, B]);

        var entries = await TakeAsync(client.TailAsync(1), 3);

        Assert.Equal([1L, 2, 3], entries.Select(e => e.Index));
        Assert.Equal(["A /log", "A /log", "A /status", "B /log"], members.Requests.Select(r => $"{(r.Member == A ? "A" : "B")} {r.Uri.AbsolutePath}"));
        Assert.Equal([new Uri($"http://{B}/")], client.Members);
    }

    [Fact]
    public async Task A_tail_moves_to_another_member_when_its_member_fails_and_repeats_nothing()
    {
        var aPolls = 0;
        members.On(A, _ => Interlocked.Increment(ref aPolls) == 1
            ? Answer.Page(2, (1, "a"), (2, "b"))
            : throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        // B answers from an older index than asked (as a confused or lagging proxy might): the tail drops what it already gave.
        members.On(B, _ => Answer.Page(4, (2, "b"), (3, "c"), (4, "d")));
        var client = Create(members, time, endpoints: [A, B]);

        var entries = await TakeAsync(client.TailAsync(1), 4);

        Assert.Equal([1L, 2, 3, 4], entries.Select(e => e.Index));
        Assert.Equal([A, A, B], members.Requests.Select(r => r.Member));
        Assert.EndsWith("index=3&limit=100&wait=30000", members.Requests[^1].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tail_from_below_the_retained_log_throws_LogCompactedException_with_the_first_index()
    {
        members.On(A, _ => Answer.Problem(HttpStatusCode.Gone, "Index 1 was deleted by retention.", "\"firstIndex\":40,\"lastIndex\":90"));
        var client = Create(members, time);

        var e = await Assert.ThrowsAsync<LogCompactedException>(() => TakeAsync(client.TailAsync(1), 1));

        Assert.Equal(40, e.FirstIndex);
    }

    [Fact]
    public async Task A_tail_keeps_retrying_while_no_member_answers_until_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var client = Create(members, time, endpoints: [A, B]);
        members.On(C, _ => throw new InvalidOperationException("never asked"));

        var tail = TakeAsync(client.TailAsync(1, cancel.Token), 1);
        await Eventually.HoldsAsync(() => members.Requests.Count >= 20, "the tail to keep trying");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tail);
        Assert.All(time.Delays, d => Assert.True(d <= TimeSpan.FromSeconds(2), $"a backoff of {d} is over MaxBackoff"));
    }

    private static async Task<List<LogEntry>> TakeAsync(IAsyncEnumerable<LogEntry> tail, int count)
    {
        var taken = new List<LogEntry>();
        await foreach (var entry in tail)
        {
            taken.Add(entry);
            if (taken.Count == count) break;
        }
        return taken;
    }
}
