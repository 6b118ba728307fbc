namespace HttpRaft.EndToEnd.Tests.History;

/// <summary>An append a client made (with retries under one idempotency key): when it started and ended, and where it was acknowledged, if it was.</summary>
/// <param name="Entry">The entry's text, unique in the run.</param>
/// <param name="Start">When the first attempt was sent (shared stopwatch ticks).</param>
/// <param name="End">When the final answer arrived.</param>
/// <param name="Acknowledged">The 201's index and term; null when the client gave up (the entry may or may not be in the log).</param>
internal sealed record AppendOp(string Entry, long Start, long End, (long Index, long Term)? Acknowledged);

/// <summary>A linearizable read that succeeded: the page it got, from <see cref="From"/>.</summary>
/// <param name="Node">The node that served it.</param>
/// <param name="Start">When the request was sent.</param>
/// <param name="End">When the answer arrived.</param>
/// <param name="From">The index the page was asked from.</param>
/// <param name="Entries">The entries the page held, by index.</param>
/// <param name="Truncated">True when the page was full (limit reached), so it says nothing about indexes past its last.</param>
internal sealed record ReadOp(int Node, long Start, long End, long From, IReadOnlyDictionary<long, string> Entries, bool Truncated)
{
    /// <summary>The highest index the page shows, or From - 1 for an empty page.</summary>
    public long Max => Entries.Count == 0 ? From - 1 : Entries.Keys.Max();
}

/// <summary>Everything a run recorded, and each node's log at the end.</summary>
internal sealed record History(IReadOnlyList<AppendOp> Appends, IReadOnlyList<ReadOp> Reads, IReadOnlyList<IReadOnlyList<(long Index, long Term, string Entry)>> FinalLogs);
