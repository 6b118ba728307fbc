using System.Runtime.CompilerServices;
using HttpRaft.Consensus;

namespace HttpRaft.Storage.Tests;

/// <summary>The tail cache holds the newest consecutive entries within its count and byte bounds, and forgets exactly what the log forgets.</summary>
public sealed class TailCacheTests
{
    [Fact]
    public void Holds_the_newest_entries_up_to_its_count_bound()
    {
        var cache = CacheOf(maxEntries: 4, maxBytes: 1000, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);

        // 10 entries through a ring of 4: the held ones wrapped around its end.
        Assert.Equal([7L, 8L, 9L, 10L], Held(cache, 1, 12));
    }

    [Fact]
    public void Holds_the_newest_entries_up_to_its_byte_bound_and_exactly_at_it()
    {
        var cache = CacheOf(maxEntries: 100, maxBytes: 10, 4, 4, 4);
        Assert.Equal([2L, 3L], Held(cache, 1, 4));

        cache.Add(EntryOf(4, bytes: 2));
        Assert.Equal([2L, 3L, 4L], Held(cache, 1, 5));
    }

    [Fact]
    public void Keeps_the_newest_entry_even_when_it_alone_exceeds_the_byte_bound()
    {
        var cache = CacheOf(maxEntries: 10, maxBytes: 10, 4, 50);

        Assert.Equal([2L], Held(cache, 1, 3));
    }

    [Fact]
    public void Holds_nothing_when_its_count_bound_is_zero()
    {
        var cache = CacheOf(maxEntries: 0, maxBytes: 1000, 1);

        Assert.Empty(Held(cache, 0, 2));
    }

    [Fact]
    public void An_entry_that_does_not_follow_the_last_replaces_what_was_held()
    {
        var cache = CacheOf(maxEntries: 10, maxBytes: 1000, 1, 1, 1);

        cache.Add(EntryOf(7, bytes: 1));
        cache.Add(EntryOf(8, bytes: 1));

        Assert.Equal([7L, 8L], Held(cache, 0, 10));
    }

    [Fact]
    public void Truncating_forgets_the_entry_at_the_index_and_after_it_and_frees_their_bytes()
    {
        var cache = CacheOf(maxEntries: 10, maxBytes: 12, 4, 4, 4);

        cache.TruncateFrom(4);
        Assert.Equal([1L, 2L, 3L], Held(cache, 0, 5));
        cache.TruncateFrom(3);
        Assert.Equal([1L, 2L], Held(cache, 0, 5));

        // The rewritten entry 3 fits in the bytes the old one freed, so nothing before it is evicted.
        cache.Add(EntryOf(3, bytes: 4, term: 2));
        Assert.Equal([1L, 2L, 3L], Held(cache, 0, 5));
        Assert.True(cache.TryGet(3, out var rewritten) && rewritten.Term == 2);

        cache.TruncateFrom(1);
        Assert.Empty(Held(cache, 0, 5));
    }

    [Fact]
    public void Dropping_a_prefix_forgets_only_the_entries_before_the_index()
    {
        var cache = CacheOf(maxEntries: 10, maxBytes: 1000, 1, 1, 1, 1, 1);

        cache.DropBefore(3);
        Assert.Equal([3L, 4L, 5L], Held(cache, 0, 7));

        cache.DropBefore(10);
        Assert.Empty(Held(cache, 0, 12));
        cache.Add(EntryOf(10, bytes: 1));
        Assert.Equal([10L], Held(cache, 0, 12));
    }

    [Fact]
    public void Clearing_forgets_every_entry_and_frees_their_bytes()
    {
        var cache = CacheOf(maxEntries: 10, maxBytes: 8, 4, 4);

        cache.Clear();
        Assert.Empty(Held(cache, 0, 4));

        cache.Add(EntryOf(5, bytes: 4));
        cache.Add(EntryOf(6, bytes: 4));
        Assert.Equal([5L, 6L], Held(cache, 0, 8));
    }

    [Fact]
    public void Forgotten_entries_payloads_are_no_longer_referenced()
    {
        var cache = new TailCache(maxEntries: 10, maxBytes: 1000);
        var payloads = AddEntries(cache, 4);

        cache.DropBefore(3);
        cache.TruncateFrom(4);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal([false, false, true, false], payloads.Select(p => p.IsAlive));
        GC.KeepAlive(cache);
    }

    /// <summary>Adds entries 1..count with fresh payloads and returns weak references to them, so that only the cache keeps them alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> AddEntries(TailCache cache, int count)
    {
        var payloads = new List<WeakReference>();
        for (var i = 1; i <= count; i++)
        {
            var data = new byte[8];
            cache.Add(Entry.Normal(i, 1, data));
            payloads.Add(new WeakReference(data));
        }
        return payloads;
    }

    /// <summary>A cache to which entries 1, 2, ... were added with payloads of these sizes.</summary>
    private static TailCache CacheOf(int maxEntries, long maxBytes, params int[] sizes)
    {
        var cache = new TailCache(maxEntries, maxBytes);
        for (var i = 0; i < sizes.Length; i++) cache.Add(EntryOf(i + 1, sizes[i]));
        return cache;
    }

    private static Entry EntryOf(long index, int bytes, long term = 1) => Entry.Normal(index, term, new byte[bytes]);

    /// <summary>The indexes in [from, to] the cache answers, each checked to be the entry asked for.</summary>
    private static List<long> Held(TailCache cache, long from, long to)
    {
        var held = new List<long>();
        for (var i = from; i <= to; i++)
        {
            if (!cache.TryGet(i, out var entry)) continue;
            Assert.Equal(i, entry.Index);
            held.Add(i);
        }
        return held;
    }
}
