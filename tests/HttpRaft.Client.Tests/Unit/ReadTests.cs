using System.Net;
using HttpRaft.Client.Tests.Fakes;
using static HttpRaft.Client.Tests.Fakes.FakeClient;

namespace HttpRaft.Client.Tests.Unit;

/// <summary>ReadAsync, GetEntryAsync and GetStatusAsync against scripted members.</summary>
public sealed class ReadTests
{
    private readonly FakeMembers members = new();
    private readonly VirtualTime time = new();

    [Fact]
    public async Task A_read_asks_for_the_index_limit_and_consistency_and_returns_the_page()
    {
        members.On(A, _ => Answer.Json(HttpStatusCode.OK,
            """{"entries":[{"index":5,"term":2,"entry":"e5"},{"index":7,"term":2,"entry":"e7"}],"commitIndex":9,"firstIndex":3,"consistency":"linearizable","readIndex":9}"""));
        var client = Create(members, time);

        var page = await client.ReadAsync(5, 2, ReadConsistency.Linearizable);

        Assert.Equal("/log?index=5&limit=2&consistency=linearizable", members.Requests.Single().PathAndQuery);
        Assert.Equal([new LogEntry(5, 2, "e5"), new LogEntry(7, 2, "e7")], page.Entries);
        Assert.Equal((9L, (long?)3, ReadConsistency.Linearizable, (long?)9, (long?)8), (page.CommitIndex, page.FirstIndex, page.Consistency, page.ReadIndex, page.NextIndex));
    }

    [Fact]
    public async Task A_read_without_an_index_lets_the_server_start_at_its_first_retained_entry()
    {
        members.On(A, _ => Answer.Page(0));
        var client = Create(members, time);

        var page = await client.ReadAsync();

        Assert.Equal("/log", members.Requests.Single().PathAndQuery);
        Assert.Null(page.FirstIndex);
        Assert.Null(page.NextIndex);
    }

    [Fact]
    public async Task A_410_is_a_LogCompactedException_carrying_the_first_and_last_index()
    {
        members.On(A, _ => Answer.Problem(HttpStatusCode.Gone, "Index 2 was deleted by retention.", "\"firstIndex\":100,\"lastIndex\":250"));
        var client = Create(members, time);

        var e = await Assert.ThrowsAsync<LogCompactedException>(() => client.ReadAsync(2));

        Assert.Equal(100, e.FirstIndex);
        Assert.Equal(250, e.LastIndex);
        Assert.Equal(HttpStatusCode.Gone, e.StatusCode);
        Assert.Single(members.Requests);
    }

    [Fact]
    public async Task A_linearizable_read_a_member_cannot_confirm_moves_to_another_member()
    {
        members.On(A, _ => Answer.Problem(HttpStatusCode.ServiceUnavailable, "Read not confirmed", "\"leader\":\"\"", retryAfterSeconds: 1));
        members.On(B, _ => Answer.Page(4, (4, "x")));
        var client = Create(members, time);

        var page = await client.ReadAsync(1, consistency: ReadConsistency.Linearizable);

        Assert.Equal([A, B], members.Requests.Select(r => r.Member));
        Assert.Single(page.Entries);
    }

    [Fact]
    public async Task An_entry_that_is_not_committed_reads_as_null()
    {
        members.On(A, r => r.PathAndQuery == "/log/3"
            ? Answer.Json(HttpStatusCode.OK, """{"index":3,"term":1,"entry":"three"}""")
            : Answer.Problem(HttpStatusCode.NotFound, "not committed"));
        var client = Create(members, time);

        Assert.Equal(new LogEntry(3, 1, "three"), await client.GetEntryAsync(3));
        Assert.Null(await client.GetEntryAsync(99));
    }

    [Fact]
    public async Task Status_of_one_member_asks_that_member_once()
    {
        members.On(B, _ => Answer.Json(HttpStatusCode.OK,
            """{"id":1,"role":"Follower","term":3,"leader":{"id":0,"api":"a.test:9000"},"commitIndex":8,"appliedIndex":8,"lastIndex":8,"storage":{"dataDir":"/d","fsync":"Always","segments":1,"bytes":10}}"""));
        var client = Create(members, time);

        var status = await client.GetStatusAsync(new Uri($"http://{B}"));

        Assert.Equal(new NodeStatus(1, "Follower", 3, new LeaderInfo(0, A), 8, 8, 8, null), status);
        var down = await Assert.ThrowsAsync<HttpRaftUnavailableException>(() => client.GetStatusAsync(new Uri($"http://{C}")));
        Assert.Equal(1, down.Attempts);
        Assert.Empty(time.Delays);
    }

    [Fact]
    public async Task A_401_or_403_is_an_access_denied_exception()
    {
        members.On(A, _ => Answer.Problem(HttpStatusCode.Forbidden, "The key's scope does not allow this."));
        var client = Create(members, time);

        var e = await Assert.ThrowsAsync<HttpRaftAccessDeniedException>(() => client.ReadAsync(1));

        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
    }

    [Fact]
    public async Task An_error_without_problem_details_still_maps_to_its_status()
    {
        members.On(A, _ => Answer.Json(HttpStatusCode.BadRequest, "<html>bad</html>", "text/html"));
        var client = Create(members, time);

        var e = await Assert.ThrowsAsync<HttpRaftProblemException>(() => client.ReadAsync(1));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Null(e.Detail);
    }
}
