namespace HttpRaft.AspNetCore.Idempotency;

/// <summary>Where a keyed append committed: its index range and term, and the hash of the request that made it.</summary>
internal sealed record KeyedAppend(long FirstIndex, long LastIndex, long Term, byte[] RequestHash)
{
    public bool SameRequest(byte[] requestHash) => RequestHash.AsSpan().SequenceEqual(requestHash);
}

/// <summary>
/// The idempotency keys of applied keyed appends, in apply order, until the window moves past them. Filled from the
/// log itself, so every node holds the same table for the same applied index. Owned by the node loop; not thread-safe.
/// </summary>
internal sealed class DedupTable
{
    private readonly Dictionary<string, KeyedAppend> byKey = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long Index)> order = new();

    public int Count => byKey.Count;

    public bool TryGet(string key, out KeyedAppend append) => byKey.TryGetValue(key, out append!);

    /// <summary>Remembers <paramref name="key"/>; the first append with a key wins, so a duplicate in the log never changes the answer.</summary>
    public void Add(string key, KeyedAppend append)
    {
        if (byKey.TryAdd(key, append)) order.Enqueue((key, append.FirstIndex));
    }

    /// <summary>Forgets the keys of appends at or below <paramref name="index"/>: they left the window.</summary>
    public void ForgetThrough(long index)
    {
        while (order.TryPeek(out var oldest) && oldest.Index <= index)
        {
            order.Dequeue();
            byKey.Remove(oldest.Key);
        }
    }
}
