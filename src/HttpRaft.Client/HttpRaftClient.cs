using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using HttpRaft.Client.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HttpRaft.Client;

/// <summary>
/// A client for an HttpRaft cluster: appends exactly once, reads and tails the log, and manages membership. It finds
/// the leader and caches it (a redirect or a leader hint updates the cache), retries what is safe to retry across
/// leader changes, 503s and failed members until a deadline, and turns refusals into typed exceptions.
/// Thread-safe; register one with <see cref="Microsoft.Extensions.DependencyInjection.HttpRaftClientServiceCollectionExtensions.AddHttpRaftClient"/> and share it.
/// </summary>
public sealed partial class HttpRaftClient
{
    /// <summary>The name of the <see cref="HttpClient"/> the client asks <see cref="IHttpClientFactory"/> for.</summary>
    public const string HttpClientName = "HttpRaft.Client";

    /// <summary>The longest <c>Idempotency-Key</c> the server takes.</summary>
    private const int MaxKeyLength = 128;

    private readonly HttpRaftClientOptions options;
    private readonly MemberSet members;
    private readonly RetryingSender sender;

    internal HttpRaftClient(IHttpClientFactory httpClientFactory, IOptions<HttpRaftClientOptions> options, TimeProvider time, ILogger<HttpRaftClient>? logger)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        // Reading Value runs the validators: a bad option fails here, naming itself, not at the first call.
        this.options = options.Value;
        members = new MemberSet(this.options.Endpoints.Select(MemberAddress.Parse));
        var log = (ILogger?)logger ?? NullLogger.Instance;
        var backoff = new Backoff(this.options, this.options.RandomSeed ?? Random.Shared.Next());
        ClientLog.Seeded(log, backoff.Seed);
        RandomSeed = backoff.Seed;
        sender = new RetryingSender(() => httpClientFactory.CreateClient(HttpClientName), members, backoff, this.options, time, log);
    }

    /// <summary>The members the client knows: the configured endpoints and any it has learned since, as base URIs.</summary>
    public IReadOnlyList<Uri> Members => members.All;

    /// <summary>The leader the client last learned of, or null while it knows none.</summary>
    public Uri? Leader => members.Leader;

    /// <summary>The seed of the backoff jitter (<see cref="HttpRaftClientOptions.RandomSeed"/> or the one drawn), to replay a run.</summary>
    internal int RandomSeed { get; }

    /// <summary>
    /// Appends <paramref name="entry"/> and returns where it committed. The append carries an <c>Idempotency-Key</c>
    /// (<paramref name="idempotencyKey"/>, or a new one), so it is retried safely across redirects, leader changes,
    /// 503s and connection failures, and commits at most once, until <see cref="HttpRaftClientOptions.AppendDeadline"/>.
    /// </summary>
    /// <exception cref="HttpRaftUnavailableException">The deadline passed; the entry may still commit (retry with its key).</exception>
    /// <exception cref="IdempotencyKeyConflictException">The key was already used for other entries.</exception>
    /// <exception cref="HttpRaftProblemException">The server refused the entry (too large, say).</exception>
    public Task<AppendResult> AppendAsync(string entry, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return AppendAsync(new AppendBody(entry, null), idempotencyKey, cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="entries"/> as one batch, all or nothing at consecutive indexes, under one
    /// <c>Idempotency-Key</c>; retried as <see cref="AppendAsync(string, string?, CancellationToken)"/> is.
    /// </summary>
    /// <exception cref="HttpRaftUnavailableException">The deadline passed; the batch may still commit (retry with its key).</exception>
    /// <exception cref="IdempotencyKeyConflictException">The key was already used for other entries.</exception>
    /// <exception cref="HttpRaftProblemException">The server refused the batch (too many entries or bytes, say).</exception>
    public Task<AppendResult> AppendAsync(IReadOnlyList<string> entries, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0) throw new ArgumentException("A batch needs at least one entry.", nameof(entries));
        if (entries.Any(e => e is null)) throw new ArgumentException("A batch cannot hold a null entry.", nameof(entries));
        return AppendAsync(new AppendBody(null, entries), idempotencyKey, cancellationToken);
    }

    /// <summary>
    /// Reads a page of committed entries from <paramref name="index"/> (null: from the log's first retained entry), at
    /// most <paramref name="limit"/> (null: the server's default, 100). Any member may answer; a failing one is skipped.
    /// </summary>
    /// <exception cref="LogCompactedException"><paramref name="index"/> is below the first retained index.</exception>
    public Task<LogPage> ReadAsync(long? index = null, int? limit = null, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellationToken = default)
    {
        if (index < 1) throw new ArgumentOutOfRangeException(nameof(index), index, "Log indexes start at 1.");
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), limit, "A page holds at least one entry.");
        var query = new List<string>();
        if (index is { } from) query.Add($"index={Invariant(from)}");
        if (limit is { } most) query.Add($"limit={Invariant(most)}");
        if (consistency == ReadConsistency.Linearizable) query.Add("consistency=linearizable");
        var path = query.Count == 0 ? "log" : "log?" + string.Join('&', query);
        return GetAsync(new Call("read", Route.AnyMember, m => Get(m, path), options.OperationDeadline), ClientJsonContext.Default.LogPage, cancellationToken);
    }

    /// <summary>The committed entry at <paramref name="index"/>, or null when it is not committed (yet) on the member that answers, or is an internal no-op.</summary>
    /// <exception cref="LogCompactedException"><paramref name="index"/> is below the first retained index.</exception>
    public async Task<LogEntry?> GetEntryAsync(long index, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        var path = $"log/{Invariant(index)}" + (consistency == ReadConsistency.Linearizable ? "?consistency=linearizable" : "");
        using var reply = await sender.SendAsync(new Call("read", Route.AnyMember, m => Get(m, path), options.OperationDeadline), cancellationToken).ConfigureAwait(false);
        if (reply.Response.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadBodyAsync(reply, ClientJsonContext.Default.LogEntry, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One member's own state (<c>GET /status</c>): <paramref name="member"/>, asked once, or when null whichever member
    /// answers first (the leader if one is known).
    /// </summary>
    /// <exception cref="HttpRaftUnavailableException"><paramref name="member"/> did not answer, or no member did before the deadline.</exception>
    public Task<NodeStatus> GetStatusAsync(Uri? member = null, CancellationToken cancellationToken = default)
    {
        if (member is { IsAbsoluteUri: false }) throw new ArgumentException("A member is an absolute URI, such as one of Members.", nameof(member));
        var call = new Call("status", Route.Leader, m => Get(m, "status"), options.OperationDeadline, Member: MemberAddress.BaseOf(member));
        return GetAsync(call, ClientJsonContext.Default.NodeStatus, cancellationToken);
    }

    private async Task<AppendResult> AppendAsync(AppendBody body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var key = idempotencyKey ?? Guid.NewGuid().ToString("N");
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            throw new ArgumentException($"An idempotency key is 1 to {MaxKeyLength} visible ASCII characters ('!' to '~').", nameof(idempotencyKey));
        }
        var call = new Call("append", Route.Leader, m => Post(m, "log", body, ClientJsonContext.Default.AppendBody, key), options.AppendDeadline, IdempotencyKey: key);
        using var reply = await sender.SendAsync(call, cancellationToken).ConfigureAwait(false);
        var appended = await ReadBodyAsync(reply, ClientJsonContext.Default.AppendedBody, key, cancellationToken).ConfigureAwait(false);
        // Only the leader commits appends, so it is where the next one goes; a follower that answered from its key table
        // will redirect that one, which corrects the cache.
        if (members.Leader is null) members.LeaderIs(reply.Member);
        var replayed = reply.Response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Contains("true", StringComparer.OrdinalIgnoreCase);
        return new AppendResult(appended.Index, appended.Term, appended.LastIndex ?? appended.Index, replayed, key);
    }

    private async Task<T> GetAsync<T>(Call call, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var reply = await sender.SendAsync(call, cancellationToken).ConfigureAwait(false);
        return await ReadBodyAsync(reply, type, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The body of a success, or the typed exception of a final error.</summary>
    private static async Task<T> ReadBodyAsync<T>(Reply reply, JsonTypeInfo<T> type, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (!reply.IsSuccess) throw await ProblemReader.ToExceptionAsync(reply.Response, idempotencyKey, cancellationToken).ConfigureAwait(false);
        return await reply.Response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRaftException($"{reply.Member} answered {(int)reply.Response.StatusCode} with an empty body.", reply.Response.StatusCode);
    }

    private static HttpRequestMessage Get(Uri member, string path) => new(HttpMethod.Get, new Uri(member, path));

    private static HttpRequestMessage Post<T>(Uri member, string path, T body, JsonTypeInfo<T> type, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(member, path)) { Content = JsonContent.Create(body, type) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
