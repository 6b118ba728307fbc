using System.Runtime.CompilerServices;

namespace HttpRaft.Storage.Tests;

/// <summary>The sliding list holds what a plain list would through adds and cuts at both ends, and gives back the memory of what it dropped.</summary>
public sealed class SlidingListTests
{
    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void Adds_and_cuts_at_both_ends_match_a_plain_list(int seed)
    {
        var random = new Random(seed);
        var list = new SlidingList<int>();
        var expected = new List<int>();
        for (var step = 0; step < 20_000; step++)
        {
            var roll = random.Next(100);
            if (roll < 5) Cut(expected.Count > 0 ? random.Next(expected.Count + 1) : 0, front: true);
            else if (roll < 8) Cut(expected.Count > 0 ? random.Next(expected.Count + 1) : 0, front: false);
            else if (roll < 9)
            {
                list.Clear();
                expected.Clear();
            }
            else
            {
                list.Add(step);
                expected.Add(step);
            }
            Assert.True(list.Count == expected.Count && Enumerable.Range(0, list.Count).All(i => list[i] == expected[i]), $"seed {seed}, step {step}");
        }

        void Cut(int at, bool front)
        {
            if (front)
            {
                list.RemoveFirst(at);
                expected.RemoveRange(0, at);
            }
            else
            {
                list.RemoveFrom(at);
                expected.RemoveRange(at, expected.Count - at);
            }
        }
    }

    [Fact]
    public void A_window_sliding_along_keeps_the_array_near_the_window_size()
    {
        var list = new SlidingList<long>();
        for (var i = 0; i < 1_000_000; i++)
        {
            list.Add(i);
            if (list.Count > 1000) list.RemoveFirst(1);
        }
        Assert.InRange(list.Capacity, 1000, 4096);
        Assert.Equal(999_000, list[0]);
    }

    [Fact]
    public void Dropping_most_of_a_large_list_gives_its_array_back()
    {
        var list = Numbers(1_000_000);

        list.RemoveFirst(999_990);

        Assert.InRange(list.Capacity, 10, 64);
        Assert.Equal(999_990, list[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[10]);
    }

    [Fact]
    public void Cutting_most_of_a_large_list_from_the_end_gives_its_array_back()
    {
        var list = Numbers(1_000_000);

        list.RemoveFrom(10);

        Assert.InRange(list.Capacity, 10, 64);
        Assert.Equal(9, list.Last);
    }

    [Fact]
    public void The_array_shrinks_only_once_less_than_a_quarter_of_it_is_used()
    {
        var list = Numbers(64);
        Assert.Equal(64, list.Capacity);

        list.RemoveFirst(1);
        list.RemoveFirst(47);
        Assert.Equal((16, 64), (list.Count, list.Capacity));

        list.RemoveFirst(1);
        Assert.Equal((15, 30), (list.Count, list.Capacity));
        Assert.Equal(49, list[0]);
    }

    [Fact]
    public void Cuts_past_either_end_or_of_nothing_change_nothing_and_a_negative_cut_is_refused()
    {
        var list = Numbers(10);
        list.RemoveFirst(2);

        list.RemoveFrom(8);
        list.RemoveFrom(12);
        list.RemoveFirst(0);
        list.RemoveFirst(-1);
        Assert.Throws<ArgumentOutOfRangeException>(() => list.RemoveFrom(-1));

        Assert.Equal(Enumerable.Range(2, 8).Select(i => (long)i), Enumerable.Range(0, list.Count).Select(i => list[i]));

        list.RemoveFirst(100);
        Assert.Equal(0, list.Count);
    }

    [Fact]
    public void A_list_emptied_from_the_front_fills_its_array_from_the_start_again()
    {
        var list = Numbers(1);
        list.RemoveFirst(1);

        for (var i = 0; i < 4; i++) list.Add(i);

        Assert.Equal((4, 4), (list.Count, list.Capacity));
    }

    [Fact]
    public void Clearing_gives_the_array_back()
    {
        var list = Numbers(100);

        list.Clear();

        Assert.Equal((0, 0), (list.Count, list.Capacity));
    }

    [Fact]
    public void A_window_sliding_along_reuses_its_array_and_keeps_half_of_it_free()
    {
        const int window = 1000;
        var list = new SlidingList<long>();
        for (var i = 0; i < 10 * window; i++) Slide(list, i, window);

        // Moving the window down in place allocates nothing; half the array free makes each move pay for itself.
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 10 * window; i < 100 * window; i++) Slide(list, i, window);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.True(allocated < window * sizeof(long), $"{allocated} bytes allocated");
        Assert.True(list.Capacity >= 2 * window, $"capacity {list.Capacity}");
        Assert.Equal(100 * window - window, list[0]);

        static void Slide(SlidingList<long> list, long i, int window)
        {
            list.Add(i);
            if (list.Count > window) list.RemoveFirst(1);
        }
    }

    [Fact]
    public void Removed_items_are_no_longer_referenced()
    {
        // Cut from the front, moved down in place (which leaves copies behind it), cut from the end.
        var list = new SlidingList<object>();
        var removed = AddObjects(list, 8);
        list.RemoveFirst(4);
        removed.AddRange(AddObjects(list, 1));
        list.RemoveFirst(3);
        removed.RemoveRange(7, 2);
        Assert.Equal((2, 8), (list.Count, list.Capacity));

        var cut = new SlidingList<object>();
        var cutOff = AddObjects(cut, 8);
        cut.RemoveFrom(6);
        cutOff.RemoveRange(0, 6);
        Assert.Equal(8, cut.Capacity);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.DoesNotContain(removed.Concat(cutOff), r => r.IsAlive);
        GC.KeepAlive(list);
        GC.KeepAlive(cut);
    }

    /// <summary>Adds fresh objects and returns weak references to them, so that only the list keeps them alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> AddObjects(SlidingList<object> list, int count)
    {
        var references = new List<WeakReference>();
        for (var i = 0; i < count; i++)
        {
            var item = new object();
            list.Add(item);
            references.Add(new WeakReference(item));
        }
        return references;
    }

    private static SlidingList<long> Numbers(int count)
    {
        var list = new SlidingList<long>();
        for (var i = 0; i < count; i++) list.Add(i);
        return list;
    }
}
