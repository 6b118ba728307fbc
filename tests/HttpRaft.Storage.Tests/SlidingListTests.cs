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
        var list = new SlidingList<long>();
        for (var i = 0; i < 1_000_000; i++) list.Add(i);

        list.RemoveFirst(999_990);

        Assert.InRange(list.Capacity, 10, 64);
        Assert.Equal(999_990, list[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[10]);
    }
}
