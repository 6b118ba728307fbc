using System.Net;
using HttpRaft.Client.Tests.Fakes;
using static HttpRaft.Client.Tests.Fakes.FakeClient;

namespace HttpRaft.Client.Tests.Unit;

/// <summary>AppendAsync against scripted members: what it sends, which answers it retries, and which end it.</summary>
public sealed class AppendTests
{
    private readonly FakeMembers members = new();
    private readonly VirtualTime time = new();

    [Fact]
    public async Task An_append_sends_the_entry_with_a_fresh_idempotency_key_and_returns_where_it_committed()
    {
        members.On(A, _ => Answer.Created(7, 2));
        var client = Create(members, time);

        var result = await client.AppendAsync("hello");

        var request = Assert.Single(members.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/log", request.PathAndQuery);
        Assert.Equal("""{"entry":"hello"}""", request.Body);
        Assert.Matches("^[0-9a-f]{32}$", request.IdempotencyKey);
        Assert.Equal(new AppendResult(7, 2, 7, false, request.IdempotencyKey!), result);
        Assert.NotEqual(result.IdempotencyKey, (await client.AppendAsync("again")).IdempotencyKey);
    }

    [Fact]
    public async Task A_batch_is_one_request_under_one_key()
    {
        members.On(A, _ => Answer.Created(4, 1, lastIndex: 6));
        var client = Create(members, time);

        var result = await client.AppendAsync(["a", "b", "c"], idempotencyKey: "order-42");

        var request = Assert.Single(members.Requests);
        Assert.Equal("""{"entries":["a","b","c"]}""", request.Body);
        Assert.Equal("order-42", request.IdempotencyKey);
        Assert.Equal((4, 6), (result.Index, result.LastIndex));
    }

    [Fact]
    public async Task A_redirect_is_followed_with_the_same_body_and_key_and_the_leader_is_cached()
    {
        members.On(A, _ => Answer.Redirect(B, "/log"));
        members.On(B, _ => Answer.Created(3, 1));
        var client = Create(members, time);

        await client.AppendAsync("x");
        await client.AppendAsync("y");

        var requests = members.Requests;
        Assert.Equal([A, B, B], requests.Select(r => r.Member));
        Assert.Equal(requests[0].IdempotencyKey, requests[1].IdempotencyKey);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(new Uri($"http://{B}/"), client.Leader);
        Assert.Empty(time.Delays);
    }

    [Fact]
    public async Task A_503_is_retried_with_the_same_key_after_the_Retry_After_it_names()
    {
        members.OnSequence(A, _ => Answer.Problem(HttpStatusCode.ServiceUnavailable, "no leader", "\"leader\":\"\"", retryAfterSeconds: 1), _ => Answer.Created(5, 3));
        var client = Create(members, time, endpoints: [A]);

        var result = await client.AppendAsync("x");

        Assert.Equal(5, result.Index);
        Assert.Equal(2, members.Requests.Count);
        Assert.Single(members.Requests.Select(r => r.IdempotencyKey).Distinct());
        Assert.Equal([TimeSpan.FromSeconds(1)], time.Delays);
    }

    [Fact]
    public async Task A_long_Retry_After_is_cut_to_MaxRetryAfter()
    {
        members.OnSequence(A, _ => Answer.Problem(HttpStatusCode.ServiceUnavailable, "busy", retryAfterSeconds: 3600), _ => Answer.Created(5, 3));
        var client = Create(members, time, o => o.MaxRetryAfter = TimeSpan.FromSeconds(2), A);

        await client.AppendAsync("x");

        Assert.Equal([TimeSpan.FromSeconds(2)], time.Delays);
    }

    [Fact]
    public async Task A_503_naming_the_leader_sends_the_retry_there()
    {
        members.On(A, _ => Answer.Problem(HttpStatusCode.ServiceUnavailable, "leadership lost", $"\"leader\":\"{B}\"", retryAfterSeconds: 1));
        members.On(B, _ => Answer.Created(9, 4, replayed: true));
        var client = Create(members, time);

        var result = await client.AppendAsync("x");

        Assert.Equal([A, B], members.Requests.Select(r => r.Member));
        Assert.True(result.Replayed);
        Assert.Equal(new Uri($"http://{B}/"), client.Leader);
    }

    [Fact]
    public async Task A_refused_connection_moves_the_append_to_the_next_member_with_the_same_key()
    {
        members.On(B, _ => Answer.Created(2, 1));
        var client = Create(members, time);

        await client.AppendAsync("x");

        Assert.Equal([A, B], members.Requests.Select(r => r.Member));
        Assert.Single(members.Requests.Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task A_429_backs_off_and_retries()
    {
        members.OnSequence(A, _ => Answer.Problem(HttpStatusCode.TooManyRequests, "overloaded"), _ => Answer.Created(2, 1));
        var client = Create(members, time, endpoints: [A]);

        await client.AppendAsync("x");

        Assert.Equal(2, members.Requests.Count);
        var delay = Assert.Single(time.Delays);
        Assert.InRange(delay, TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(50));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task A_final_error_is_thrown_as_a_problem_without_a_retry(HttpStatusCode status)
    {
        members.On(A, _ => Answer.Problem(status, "the entry is wrong"));
        var client = Create(members, time);

        var e = await Assert.ThrowsAsync<HttpRaftProblemException>(() => client.AppendAsync("x"));

        Assert.Equal(status, e.StatusCode);
        Assert.Equal("the entry is wrong", e.Detail);
        Assert.Single(members.Requests);
    }

    [Fact]
    public async Task A_reused_key_is_an_IdempotencyKeyConflictException_naming_it()
    {
        members.On(A, _ => Answer.Problem(HttpStatusCode.UnprocessableEntity, "key reused"));
        var client = Create(members, time);

        var e = await Assert.ThrowsAsync<IdempotencyKeyConflictException>(() => client.AppendAsync("x", "order-42"));

        Assert.Equal("order-42", e.IdempotencyKey);
        Assert.Single(members.Requests);
    }

    [Fact]
    public async Task At_the_deadline_the_append_gives_up_with_the_key_to_retry_with()
    {
        members.On(A, _ => Answer.Problem(HttpStatusCode.ServiceUnavailable, "not committed in time", $"\"leader\":\"{A}\"", retryAfterSeconds: 1));
        var client = Create(members, time, o => o.AppendDeadline = TimeSpan.FromSeconds(5), A);

        var e = await Assert.ThrowsAsync<HttpRaftUnavailableException>(() => client.AppendAsync("x"));

        Assert.Equal(members.Requests[0].IdempotencyKey, e.IdempotencyKey);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal(5, e.Attempts);
        Assert.Contains("not committed in time", e.Message, StringComparison.Ordinal);
        Assert.True(time.Elapsed < TimeSpan.FromSeconds(5), $"waited {time.Elapsed} past a 5 s deadline");
    }

    [Fact]
    public async Task Members_that_redirect_to_each_other_make_the_client_back_off_not_spin()
    {
        members.On(A, _ => Answer.Redirect(B, "/log"));
        members.On(B, _ => Answer.Redirect(A, "/log"));
        var client = Create(members, time, o => { o.AppendDeadline = TimeSpan.FromSeconds(3); o.MaxRedirects = 3; }, A);

        await Assert.ThrowsAsync<HttpRaftUnavailableException>(() => client.AppendAsync("x"));

        Assert.NotEmpty(time.Delays);
        Assert.True(members.Requests.Count <= (time.Delays.Count + 1) * 4, $"{members.Requests.Count} requests for {time.Delays.Count} backoffs");
    }

    [Fact]
    public async Task Cancelling_stops_the_retries()
    {
        using var cancel = new CancellationTokenSource();
        members.On(A, _ =>
        {
            cancel.Cancel();
            return Answer.Problem(HttpStatusCode.ServiceUnavailable, "no leader", retryAfterSeconds: 1);
        });
        var client = Create(members, time, endpoints: [A]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.AppendAsync("x", cancellationToken: cancel.Token));
        Assert.Single(members.Requests);
    }

    [Fact]
    public async Task The_api_key_goes_out_as_a_bearer_token()
    {
        members.On(A, _ => Answer.Created(2, 1));
        var client = Create(members, time, o => o.ApiKey = "a-long-random-writer-key");

        await client.AppendAsync("x");

        Assert.Equal("Bearer a-long-random-writer-key", members.Requests.Single().Authorization);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    public async Task A_key_the_server_would_refuse_is_refused_before_sending(string key)
    {
        var client = Create(members, time);
        await Assert.ThrowsAsync<ArgumentException>(() => client.AppendAsync("x", key));
        Assert.Empty(members.Requests);
    }
}
