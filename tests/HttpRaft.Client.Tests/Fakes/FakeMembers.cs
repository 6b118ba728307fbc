using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace HttpRaft.Client.Tests.Fakes;

/// <summary>A request as a fake member saw it: where it went, its headers and its body.</summary>
internal sealed record SeenRequest(HttpMethod Method, Uri Uri, string? IdempotencyKey, string? Authorization, string Body)
{
    public string Member => Uri.Authority;

    public string PathAndQuery => Uri.PathAndQuery;
}

/// <summary>
/// Scripted members behind an <see cref="HttpMessageHandler"/>: each member (by host:port) answers with a function
/// of the request; members without one refuse the connection, as a dead node does. Every request is recorded.
/// </summary>
internal sealed class FakeMembers
{
    private readonly ConcurrentDictionary<string, Func<SeenRequest, HttpResponseMessage>> members = new();
    private readonly ConcurrentQueue<SeenRequest> seen = new();

    public IReadOnlyList<SeenRequest> Requests => [.. seen];

    /// <summary>Makes <paramref name="member"/> (host:port) answer with <paramref name="answer"/>.</summary>
    public FakeMembers On(string member, Func<SeenRequest, HttpResponseMessage> answer)
    {
        members[member] = answer;
        return this;
    }

    /// <summary>Makes <paramref name="member"/> answer each request with the next of <paramref name="answers"/>, repeating the last.</summary>
    public FakeMembers OnSequence(string member, params Func<SeenRequest, HttpResponseMessage>[] answers)
    {
        var next = 0;
        return On(member, request => answers[Math.Min(Interlocked.Increment(ref next) - 1, answers.Length - 1)](request));
    }

    /// <summary>A handler over these members; the client's factory may make and dispose several.</summary>
    public HttpMessageHandler CreateHandler() => new Handler(this);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null;
        var seenRequest = new SeenRequest(request.Method, request.RequestUri!, key, request.Headers.Authorization?.ToString(), body);
        seen.Enqueue(seenRequest);
        if (!members.TryGetValue(request.RequestUri!.Authority, out var answer))
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({request.RequestUri.Authority})");
        }
        var response = answer(seenRequest);
        response.RequestMessage = request;
        return response;
    }

    private sealed class Handler(FakeMembers members) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            members.SendAsync(request, cancellationToken);
    }
}

/// <summary>Canned answers in the server's shapes.</summary>
internal static class Answer
{
    public static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };

    public static HttpResponseMessage Problem(HttpStatusCode status, string detail, string extensions = "", int? retryAfterSeconds = null)
    {
        var extra = extensions.Length > 0 ? "," + extensions : "";
        var response = Json(status, $$"""{"status":{{(int)status}},"title":"{{status}}","detail":"{{detail}}"{{extra}}}""", "application/problem+json");
        if (retryAfterSeconds is { } seconds) response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
        return response;
    }

    public static HttpResponseMessage Created(long index, long term, long? lastIndex = null, bool replayed = false)
    {
        var last = lastIndex is { } l ? $",\"lastIndex\":{l}" : "";
        var response = Json(HttpStatusCode.Created, $"{{\"index\":{index},\"term\":{term}{last}}}");
        if (replayed) response.Headers.Add("Idempotent-Replayed", "true");
        return response;
    }

    /// <summary>A follower's 307 to the leader's same path, with the hint in the body.</summary>
    public static HttpResponseMessage Redirect(string leader, string path)
    {
        var response = Json(HttpStatusCode.TemporaryRedirect, $"{{\"leader\":\"{leader}\"}}");
        response.Headers.Location = new Uri($"http://{leader}{path}");
        return response;
    }

    public static HttpResponseMessage Page(long commitIndex, params (long Index, string Entry)[] entries)
    {
        var items = string.Join(',', entries.Select(e => $"{{\"index\":{e.Index},\"term\":1,\"entry\":\"{e.Entry}\"}}"));
        return Json(HttpStatusCode.OK, $"{{\"entries\":[{items}],\"commitIndex\":{commitIndex},\"consistency\":\"local\"}}");
    }
}
