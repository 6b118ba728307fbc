namespace HttpRaft.Client.Tests.Cluster;

/// <summary>A client's <see cref="HttpRaftClient.TailAsync"/> running in the background, keeping what it yields, until stopped.</summary>
internal sealed class BackgroundTail : IAsyncDisposable
{
    private readonly List<LogEntry> seen = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;

    public BackgroundTail(HttpRaftClient client, long fromIndex = 1) => running = Task.Run(async () =>
    {
        await foreach (var entry in client.TailAsync(fromIndex, stop.Token))
        {
            lock (seen) seen.Add(entry);
        }
    });

    /// <summary>How many entries the tail has yielded so far.</summary>
    public int Count
    {
        get { lock (seen) return seen.Count; }
    }

    /// <summary>Cancels the tail, checks that cancelling is what ended it, and returns every entry it yielded.</summary>
    public async Task<List<LogEntry>> StopAsync()
    {
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        lock (seen) return [.. seen];
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAny(running);
        stop.Dispose();
    }
}
