namespace HttpRaft.Storage;

/// <summary>
/// A list that grows at the end and is cut at either end in amortized O(1): the shape of a log whose prefix is
/// compacted while it keeps growing. Its array shrinks when most of it is unused, so a window sliding along a long
/// log costs memory for the window only.
/// </summary>
/// <remarks>Not thread-safe: its owners guard it.</remarks>
internal sealed class SlidingList<T>
{
    private const int MinCapacity = 4;

    private T[] items = [];
    private int head;

    public int Count { get; private set; }

    /// <summary>Length of the backing array, for memory accounting.</summary>
    public int Capacity => items.Length;

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The list holds {Count} items.");
            return items[head + index];
        }
    }

    public T Last => this[Count - 1];

    public void Add(T item)
    {
        if (head + Count == items.Length) Reallocate(Math.Max(MinCapacity, Count * 2));
        items[head + Count] = item;
        Count++;
    }

    /// <summary>Removes the items at and after <paramref name="index"/>.</summary>
    public void RemoveFrom(int index)
    {
        if (index >= Count) return;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Array.Clear(items, head + index, Count - index);
        Count = index;
        ShrinkIfSparse();
    }

    /// <summary>Removes the first <paramref name="count"/> items.</summary>
    public void RemoveFirst(int count)
    {
        count = Math.Min(count, Count);
        if (count <= 0) return;
        Array.Clear(items, head, count);
        head += count;
        Count -= count;
        if (Count == 0) head = 0;
        ShrinkIfSparse();
    }

    public void Clear()
    {
        items = [];
        head = 0;
        Count = 0;
    }

    /// <summary>Frees the array's unused space once the items fill less than a quarter of it.</summary>
    private void ShrinkIfSparse()
    {
        if (items.Length > MinCapacity && Count < items.Length / 4) Reallocate(Math.Max(MinCapacity, Count * 2));
    }

    private void Reallocate(int capacity)
    {
        if (head > 0 && Count <= items.Length / 2 && capacity >= items.Length)
        {
            // Sliding along: half the array is free at the front, so move the items down instead of growing it.
            Array.Copy(items, head, items, 0, Count);
            Array.Clear(items, Count, head);
        }
        else
        {
            var resized = new T[capacity];
            Array.Copy(items, head, resized, 0, Count);
            items = resized;
        }
        head = 0;
    }
}
