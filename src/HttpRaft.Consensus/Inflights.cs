namespace HttpRaft.Consensus;

/// <summary>
/// The AppendEntries messages sent to one follower and not yet acknowledged, as the last index each
/// carried; bounds how far the leader pipelines ahead of a follower.
/// </summary>
internal sealed class Inflights(int capacity)
{
    private readonly Queue<long> lastIndexes = new(capacity);

    public int Count => lastIndexes.Count;

    public bool IsFull => lastIndexes.Count >= capacity;

    public void Add(long lastIndex) => lastIndexes.Enqueue(lastIndex);

    /// <summary>Frees every message whose entries the follower has acknowledged (last index ≤ <paramref name="index"/>).</summary>
    public void FreeTo(long index)
    {
        while (lastIndexes.Count > 0 && lastIndexes.Peek() <= index) lastIndexes.Dequeue();
    }

    public void FreeFirst() => lastIndexes.TryDequeue(out _);

    public void Reset() => lastIndexes.Clear();
}
