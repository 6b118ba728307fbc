namespace HttpRaft.AspNetCore.Idempotency;

/// <summary>Where a keyed append committed: its index range and term, and the hash of the request that made it.</summary>
internal sealed record KeyedAppend(long FirstIndex, long LastIndex, long Term, byte[] RequestHash)
{
    public bool SameRequest(byte[] requestHash) => RequestHash.AsSpan().SequenceEqual(requestHash);
}

/// <summary>
/// The idempotency keys of the last <c>capacity</c> keyed appends applied, oldest forgotten first. Filled in apply
/// order from the log itself, so every node holds the same table for the same applied index. Owned by the node
/// loop; not thread-safe.
/// </summary>
internal sealed class DedupTable(int capacity)
{
    private readonly Dictionary<string, KeyedAppend> byKey = new(StringComparer.Ordinal);
    private readonly Queue<string> order = new();

    public int Count => byKey.Count;

    public bool TryGet(string key, out KeyedAppend append) => byKey.TryGetValue(key, out append!);

    /// <summary>Remembers <paramref name="key"/>; the first append with a key wins, so a duplicate in the log never changes the answer.</summary>
    public void Add(string key, KeyedAppend append)
    {
        if (!byKey.TryAdd(key, append)) return;
        order.Enqueue(key);
        if (order.Count > capacity) byKey.Remove(order.Dequeue());
    }
}
