namespace HttpRaft.Consensus;

/// <summary>
/// The AppendEntries messages sent to one follower and not yet acknowledged, as the last index and the entry bytes
/// each carried; bounds how far the leader pipelines ahead of a follower, in messages and (when
/// <paramref name="maxBytes"/> is above 0) in bytes. A window with room for a message takes it whatever its size, so
/// at least one message is always in flight.
/// </summary>
internal sealed class Inflights(int capacity, long maxBytes = 0)
{
    private readonly Queue<(long LastIndex, long Bytes)> sent = new(capacity);

    public int Count => sent.Count;

    /// <summary>Entry bytes of the messages in flight.</summary>
    public long Bytes { get; private set; }

    public bool IsFull => sent.Count >= capacity || (maxBytes > 0 && Bytes >= maxBytes);

    public void Add(long lastIndex, long bytes)
    {
        sent.Enqueue((lastIndex, bytes));
        Bytes += bytes;
    }

    /// <summary>Frees every message whose entries the follower has acknowledged (last index ≤ <paramref name="index"/>).</summary>
    public void FreeTo(long index)
    {
        while (sent.Count > 0 && sent.Peek().LastIndex <= index) Bytes -= sent.Dequeue().Bytes;
    }

    public void FreeFirst()
    {
        if (sent.TryDequeue(out var first)) Bytes -= first.Bytes;
    }

    public void Reset()
    {
        sent.Clear();
        Bytes = 0;
    }
}
