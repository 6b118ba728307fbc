namespace HttpRaft.Client;

/// <summary>
/// How an <see cref="HttpRaftClient"/> reaches the cluster and how long it keeps trying. Checked when the client is
/// built (and at host start-up with <c>ValidateOnStart</c>); a bad value fails with a message naming it.
/// </summary>
public sealed class HttpRaftClientOptions
{
    /// <summary>
    /// Client API addresses of any subset of the members, as written in <c>apis</c> (<c>host:port</c>, or with an
    /// <c>http://</c> or <c>https://</c> scheme). One reachable member is enough: the client learns the leader from
    /// redirects and hints, and the other members from <see cref="HttpRaftClient.GetClusterAsync"/>. Members are tried
    /// in the order given.
    /// </summary>
    public IList<string> Endpoints { get; } = [];

    /// <summary>The API key sent as <c>Authorization: Bearer &lt;key&gt;</c>, or null when the cluster has no keys.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one HTTP attempt may take before it counts as failed and the client moves on (a long-poll gets <see cref="LongPollWait"/> on top). Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long <see cref="HttpRaftClient.AppendAsync(string, string?, CancellationToken)"/> keeps retrying across
    /// redirects, 503s and failed members before it gives up with <see cref="HttpRaftUnavailableException"/>. Default 30 s,
    /// several leader elections.
    /// </summary>
    public TimeSpan AppendDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The same for every other call except <see cref="HttpRaftClient.TailAsync"/>, which retries until cancelled. Default 15 s.</summary>
    public TimeSpan OperationDeadline { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one long-poll of <see cref="HttpRaftClient.TailAsync"/> waits on the server for new entries (<c>wait</c>, at most 60 s). Default 30 s.</summary>
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Entries asked for per page when tailing (<c>limit</c>); at most the server's <c>maxPageEntries</c> (1000 by default). Default 100.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>The first retry's backoff; each further retry doubles it, with jitter, up to <see cref="MaxBackoff"/>. Default 50 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest backoff between two retries. Default 2 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest a server's <c>Retry-After</c> is obeyed; a longer one is cut to this. Default 5 s.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Redirects followed in a row before the client backs off, so two members pointing at each other cannot spin it. Default 5.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Seeds the backoff jitter, so a test can replay a run; null draws a fresh seed.</summary>
    public int? RandomSeed { get; set; }
}
