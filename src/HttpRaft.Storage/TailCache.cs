using HttpRaft.Consensus;

namespace HttpRaft.Storage;

/// <summary>
/// The most recent entries, consecutive and ending at the log's last index, bounded by count and payload bytes:
/// replication and tailing clients read these without touching the disk.
/// </summary>
/// <remarks>Not thread-safe: <see cref="FileRaftStorage"/> guards it.</remarks>
internal sealed class TailCache(int maxEntries, long maxBytes)
{
    private readonly Entry[] ring = new Entry[Math.Max(1, maxEntries)];
    private int head;
    private int count;
    private long bytes;

    private long FirstIndex => count == 0 ? 0 : ring[head].Index;

    private long LastIndex => count == 0 ? 0 : ring[(head + count - 1) % ring.Length].Index;

    public void Add(Entry entry)
    {
        if (maxEntries <= 0) return;
        if (count > 0 && entry.Index != LastIndex + 1) Clear();
        if (count == ring.Length) RemoveFirst();
        ring[(head + count) % ring.Length] = entry;
        count++;
        bytes += entry.Data.Length;
        while (count > 1 && bytes > maxBytes) RemoveFirst();
    }

    public void TruncateFrom(long index)
    {
        while (count > 0 && LastIndex >= index)
        {
            var last = (head + count - 1) % ring.Length;
            bytes -= ring[last].Data.Length;
            ring[last] = default;
            count--;
        }
    }

    /// <summary>Forgets entries before <paramref name="index"/> (a compacted prefix).</summary>
    public void DropBefore(long index)
    {
        while (count > 0 && FirstIndex < index) RemoveFirst();
    }

    public void Clear()
    {
        while (count > 0) RemoveFirst();
    }

    public bool TryGet(long index, out Entry entry)
    {
        if (count > 0 && index >= FirstIndex && index <= LastIndex)
        {
            entry = ring[(head + (int)(index - FirstIndex)) % ring.Length];
            return true;
        }
        entry = default;
        return false;
    }

    private void RemoveFirst()
    {
        bytes -= ring[head].Data.Length;
        ring[head] = default;
        head = (head + 1) % ring.Length;
        count--;
    }
}
