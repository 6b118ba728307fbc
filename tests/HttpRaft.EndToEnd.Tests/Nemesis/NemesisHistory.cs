using System.Diagnostics;
using HttpRaft.EndToEnd.Tests.History;

namespace HttpRaft.EndToEnd.Tests.Nemesis;

/// <summary>How a read was asked: <c>consistency=linearizable</c>, the default local read, or a long-poll tail.</summary>
internal enum ReadKind
{
    Linearizable,
    Local,
    Tail,
}

/// <summary>
/// An append a client made: the entry (unique in the run), whether it carried an Idempotency-Key, when it started and
/// ended, and, when a node answered 201, which node and the index and term it acknowledged.
/// </summary>
internal sealed record NemesisAppend(string Entry, bool Keyed, long Start, long End, int Node, (long Index, long Term)? Acknowledged)
{
    public AppendOp AsOp() => new(Entry, Start, End, Acknowledged);
}

/// <summary>A read that got a page.</summary>
internal sealed record NemesisRead(ReadKind Kind, ReadOp Op);

/// <summary>Everything the clients of one run did, recorded on the run's stopwatch; safe from any thread.</summary>
internal sealed class NemesisHistory(Stopwatch clock)
{
    private readonly List<NemesisAppend> appends = [];
    private readonly List<NemesisRead> reads = [];
    private readonly Dictionary<string, int> unanswered = [];
    private long highestAck;
    private int readAttempts;

    public long Now => clock.ElapsedTicks;

    /// <summary>The highest index acknowledged so far: readers read near it.</summary>
    public long HighestAck => Volatile.Read(ref highestAck);

    public int ReadAttempts => Volatile.Read(ref readAttempts);

    public IReadOnlyList<NemesisAppend> Appends
    {
        get
        {
            lock (appends) return [.. appends];
        }
    }

    public IReadOnlyList<NemesisRead> Reads
    {
        get
        {
            lock (reads) return [.. reads];
        }
    }

    /// <summary>Reads that got no page, by kind and answer ("linearizable 503", "tail timed out").</summary>
    public IReadOnlyDictionary<string, int> Unanswered
    {
        get
        {
            lock (unanswered) return new Dictionary<string, int>(unanswered);
        }
    }

    public void Add(NemesisAppend append)
    {
        lock (appends) appends.Add(append);
        if (append.Acknowledged is not { } ack) return;
        for (var seen = HighestAck; ack.Index > seen; seen = HighestAck)
        {
            if (Interlocked.CompareExchange(ref highestAck, ack.Index, seen) == seen) return;
        }
    }

    public void ReadStarted() => Interlocked.Increment(ref readAttempts);

    public void Add(NemesisRead read)
    {
        lock (reads) reads.Add(read);
    }

    public void ReadFailed(ReadKind kind, string how)
    {
        var key = $"{kind.ToString().ToLowerInvariant()} {how}";
        lock (unanswered) unanswered[key] = unanswered.GetValueOrDefault(key) + 1;
    }
}
