namespace HttpRaft.Storage;

/// <summary>
/// Read handles for segments other than the current one, opened on demand and kept for the most recently read
/// <see cref="Capacity"/> segments, so a log of thousands of segments holds a handful of descriptors (redpanda#2320
/// ran out of them by keeping every segment open). Safe from any thread.
/// </summary>
/// <remarks>
/// The cache's lock guards only the table: files are opened and closed outside it. A segment deleted by a
/// compaction is <see cref="Forget">forgotten</see>; a read already holding its handle finishes on it (POSIX keeps a
/// deleted file's data until its last descriptor closes), and a read that has not yet opened it finds it gone.
/// </remarks>
internal sealed class SegmentReaders(int capacity, OpenFileCount openFiles)
{
    /// <summary>The read handles kept open at most (a read in flight may briefly hold one more).</summary>
    public int Capacity { get; } = Math.Max(1, capacity);

    private readonly Dictionary<long, LinkedListNode<(long Sequence, SharedHandle Handle)>> bySequence = [];
    private readonly LinkedList<(long Sequence, SharedHandle Handle)> recency = new();
    private readonly Lock gate = new();
    private bool cleared;

    /// <summary>A handle to read <paramref name="segment"/> with: its writer's while it is current, else a cached one.</summary>
    /// <exception cref="FileNotFoundException">The segment was deleted (by a compaction) before it could be opened.</exception>
    public Lease Rent(SegmentFile segment)
    {
        if (segment.TryRentWriter() is { } writer) return new Lease(writer);
        lock (gate)
        {
            if (bySequence.TryGetValue(segment.Sequence, out var node) && node.Value.Handle.TryAcquire())
            {
                recency.Remove(node);
                recency.AddFirst(node);
                return new Lease(node.Value.Handle);
            }
        }
        return new Lease(OpenAndCache(segment));
    }

    /// <summary>Drops the cached handle of a deleted segment (reads still holding it finish first).</summary>
    public void Forget(long sequence)
    {
        SharedHandle? dropped = null;
        lock (gate)
        {
            if (bySequence.Remove(sequence, out var node))
            {
                recency.Remove(node);
                dropped = node.Value.Handle;
            }
        }
        dropped?.Release();
    }

    /// <summary>Closes every cached handle, and caches none from now on (the storage is closing).</summary>
    public void Clear()
    {
        List<SharedHandle> dropped;
        lock (gate)
        {
            cleared = true;
            dropped = [.. recency.Select(entry => entry.Handle)];
            recency.Clear();
            bySequence.Clear();
        }
        foreach (var handle in dropped) handle.Release();
    }

    /// <summary>Opens the segment (outside the lock), caches the handle unless another reader got there first or the segment is gone, and returns it acquired.</summary>
    private SharedHandle OpenAndCache(SegmentFile segment)
    {
        var opened = new SharedHandle(segment.OpenForReading(), openFiles);
        SharedHandle? evicted = null;
        SharedHandle result;
        lock (gate)
        {
            if (bySequence.TryGetValue(segment.Sequence, out var existing) && existing.Value.Handle.TryAcquire())
            {
                result = existing.Value.Handle;
                evicted = opened;
            }
            else if (segment.Retired || cleared)
            {
                // Deleted meanwhile (or the storage closed): read from this handle once, but do not keep it.
                return opened;
            }
            else
            {
                opened.TryAcquire();
                bySequence[segment.Sequence] = recency.AddFirst((segment.Sequence, opened));
                result = opened;
                if (recency.Count > Capacity)
                {
                    var last = recency.Last!;
                    recency.RemoveLast();
                    bySequence.Remove(last.Value.Sequence);
                    evicted = last.Value.Handle;
                }
            }
        }
        evicted?.Release();
        return result;
    }

    /// <summary>One reader's use of a handle; disposing it lets go.</summary>
    public readonly struct Lease(SharedHandle handle) : IDisposable
    {
        public Microsoft.Win32.SafeHandles.SafeFileHandle Handle => handle.Handle;

        public void Dispose() => handle.Release();
    }
}
