using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace EnduranceLoad;

/// <summary>
/// The clients, the leader they share and the interval statistics. Each client has one request in flight (a closed
/// loop); latency is from sending a request to its whole answer. A <see cref="LoadOptions.Rate"/> caps each client at its
/// share: it sends its next batch no sooner than its share of the period after the last one, and at once if the answer
/// took longer (no backlog is made up afterwards, so a stall slows the load down rather than piling up latency).
/// </summary>
internal sealed class Load : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(50);

    private readonly LoadOptions options;
    private readonly TextWriter output;
    private readonly HttpClient http;
    private readonly byte[] body;
    private readonly MediaTypeHeaderValue json = new("application/json");
    private readonly SemaphoreSlim discovering = new(1, 1);
    private readonly Lock gate = new();
    private readonly long started = Stopwatch.GetTimestamp();
    private long intervalStarted = Stopwatch.GetTimestamp();

    private string? leader;
    private long total;
    private Interval current = new();
    private readonly List<long> everyLatency = [];
    private long requests, non2xx, errors;

    public Load(LoadOptions options, TextWriter output)
    {
        this.options = options;
        this.output = output;
        http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        { Timeout = RequestTimeout };
        var entry = new string('x', options.EntryBytes);
        var text = new StringBuilder("{\"entries\":[");
        for (var i = 0; i < options.Batch; i++) text.Append(i == 0 ? "\"" : ",\"").Append(entry).Append('"');
        body = Encoding.UTF8.GetBytes(text.Append("]}").ToString());
    }

    public void Dispose()
    {
        http.Dispose();
        discovering.Dispose();
    }

    /// <summary>Runs until <paramref name="stop"/> or until the total is reached; the requests in flight finish first.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var clients = Enumerable.Range(0, options.Clients).Select(_ => Task.Run(() => ClientAsync(finished.Token), CancellationToken.None)).ToList();
        var reporter = ReportAsync(finished.Token);
        var all = Task.WhenAll(clients);
        await all.ConfigureAwait(false);
        await finished.CancelAsync().ConfigureAwait(false);
        await reporter.ConfigureAwait(false);
        PrintInterval();
        PrintDone();
    }

    private async Task ClientAsync(CancellationToken stop)
    {
        var period = options.Rate > 0 ? TimeSpan.FromSeconds(options.Clients * options.Batch / options.Rate) : TimeSpan.Zero;
        var lastSend = long.MinValue;
        while (!stop.IsCancellationRequested && (options.Total == 0 || Volatile.Read(ref total) < options.Total))
        {
            if (options.PauseFile is { } pause && File.Exists(pause))
            {
                await Pause(TimeSpan.FromMilliseconds(100), stop).ConfigureAwait(false);
                continue;
            }
            if (lastSend != long.MinValue && period - Stopwatch.GetElapsedTime(lastSend) is { } wait && wait > TimeSpan.Zero)
            {
                await Pause(wait, stop).ConfigureAwait(false);
                if (stop.IsCancellationRequested) break;
            }
            var target = await LeaderAsync().ConfigureAwait(false);
            if (target is null)
            {
                await Pause(TimeSpan.FromMilliseconds(100), stop).ConfigureAwait(false);
                continue;
            }
            lastSend = Stopwatch.GetTimestamp();
            await SendAsync(target, lastSend, stop).ConfigureAwait(false);
        }
    }

    /// <summary>One batch to <paramref name="target"/>; the answer decides where the next one goes.</summary>
    private async Task SendAsync(string target, long sent, CancellationToken stop)
    {
        HttpStatusCode status;
        Uri? location;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{target}/log"));
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = json;
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None).ConfigureAwait(false);
            status = response.StatusCode;
            location = response.Headers.Location;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Count(ok: false, error: true, 0);
            Forget(target);
            await Pause(Backoff, stop).ConfigureAwait(false);
            return;
        }
        var micros = (long)Stopwatch.GetElapsedTime(sent).TotalMicroseconds;
        if ((int)status is >= 200 and < 300)
        {
            Count(ok: true, error: false, micros);
            return;
        }
        Count(ok: false, error: false, 0);
        if (status == HttpStatusCode.TemporaryRedirect && location is { IsAbsoluteUri: true })
        {
            Interlocked.CompareExchange(ref leader, location.Authority, target);
            return;
        }
        // 503 (no leader yet, or a leader that stepped down), 429 (too much uncommitted): ask again shortly.
        if (status == HttpStatusCode.ServiceUnavailable) Forget(target);
        await Pause(Backoff, stop).ConfigureAwait(false);
    }

    private void Forget(string target) => Interlocked.CompareExchange(ref leader, null, target);

    /// <summary>The leader the clients share; when none is known, one client asks every endpoint's <c>/status</c> while the others wait.</summary>
    private async Task<string?> LeaderAsync()
    {
        if (Volatile.Read(ref leader) is { } known) return known;
        await discovering.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref leader) is { } found) return found;
            string? hint = null;
            foreach (var endpoint in options.Endpoints)
            {
                var (role, leaderApi) = await StatusAsync(endpoint).ConfigureAwait(false);
                if (string.Equals(role, "Leader", StringComparison.Ordinal))
                {
                    Volatile.Write(ref leader, endpoint);
                    return endpoint;
                }
                hint ??= leaderApi;
            }
            if (hint is not null) Volatile.Write(ref leader, hint);
            return hint;
        }
        finally
        {
            discovering.Release();
        }
    }

    private async Task<(string? Role, string? Leader)> StatusAsync(string endpoint)
    {
        try
        {
            using var timeout = new CancellationTokenSource(StatusTimeout);
            await using var stream = await http.GetStreamAsync(new Uri($"http://{endpoint}/status"), timeout.Token).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(stream, default, timeout.Token).ConfigureAwait(false);
            var root = document.RootElement;
            var role = root.TryGetProperty("role", out var r) ? r.GetString() : null;
            var api = root.TryGetProperty("leader", out var l) && l.ValueKind == JsonValueKind.Object && l.TryGetProperty("api", out var a) ? a.GetString() : null;
            return (role, api);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
        {
            return (null, null);
        }
    }

    private void Count(bool ok, bool error, long micros)
    {
        if (ok) Interlocked.Add(ref total, options.Batch);
        lock (gate)
        {
            current.Requests++;
            if (ok)
            {
                current.Entries += options.Batch;
                current.Latencies.Add(micros);
            }
            else if (error) current.Errors++;
            else current.Non2xx++;
        }
    }

    private async Task ReportAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.IntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false)) PrintInterval();
        }
        catch (OperationCanceledException)
        {
            // The run is over; RunAsync prints the last interval.
        }
    }

    private void PrintInterval()
    {
        Interval done;
        var now = Stopwatch.GetTimestamp();
        lock (gate)
        {
            done = current;
            current = new Interval();
        }
        var seconds = Stopwatch.GetElapsedTime(intervalStarted, now).TotalSeconds;
        intervalStarted = now;
        done.Latencies.Sort();
        everyLatency.AddRange(done.Latencies);
        requests += done.Requests;
        non2xx += done.Non2xx;
        errors += done.Errors;
        var l = done.Latencies;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"INTERVAL at_ms={DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} t_s={Stopwatch.GetElapsedTime(started).TotalSeconds:F1} secs={seconds:F3} requests={done.Requests} entries={done.Entries} non2xx={done.Non2xx} errors={done.Errors} p50_us={Percentile(l, 50)} p90_us={Percentile(l, 90)} p99_us={Percentile(l, 99)} p999_us={Percentile(l, 99.9)} max_us={(l.Count > 0 ? l[^1] : 0)} total={Volatile.Read(ref total)} leader={Volatile.Read(ref leader) ?? "-"}"));
    }

    private void PrintDone()
    {
        everyLatency.Sort();
        var l = everyLatency;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"DONE seconds={Stopwatch.GetElapsedTime(started).TotalSeconds:F1} requests={requests} entries={Volatile.Read(ref total)} non2xx={non2xx} errors={errors} p50_us={Percentile(l, 50)} p90_us={Percentile(l, 90)} p99_us={Percentile(l, 99)} p999_us={Percentile(l, 99.9)} max_us={(l.Count > 0 ? l[^1] : 0)}"));
    }

    /// <summary>Nearest rank of a sorted list; 0 for none.</summary>
    private static long Percentile(List<long> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task Pause(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the caller's loop ends.
        }
    }

    private sealed class Interval
    {
        public long Requests;
        public long Entries;
        public long Non2xx;
        public long Errors;
        public List<long> Latencies { get; } = [];
    }
}
