namespace HttpRaft.Storage.Tests;

/// <summary>
/// The compact index answers exactly what a plain array of positions and terms would, through appends, truncations
/// and dropped prefixes, from any first index; and the memory of a dropped prefix is released.
/// </summary>
public sealed class LogIndexTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Positions_and_terms_match_a_plain_array_through_random_appends_and_truncations(int seed)
    {
        var random = new Random(seed);
        var index = new LogIndex();
        var expected = new List<(long Position, long Term)>();
        int segment = 1;
        long offset = 0, term = 1;
        for (var step = 0; step < 3000; step++)
        {
            if (random.Next(20) == 0 && expected.Count > 0)
            {
                var from = random.Next(1, expected.Count + 1);
                index.TruncateFrom(from);
                expected.RemoveRange(from - 1, expected.Count - from + 1);
                term++;
            }
            if (random.Next(50) == 0) (segment, offset) = (segment + 1, 0);
            // Record lengths from tiny to large, so deltas take one to four varint bytes.
            offset += random.Next(4) switch { 0 => 30, 1 => random.Next(100, 200), 2 => random.Next(1_000, 20_000), _ => random.Next(1, 3_000_000) };
            var position = LogIndex.Pack(segment, offset);
            index.Add(expected.Count + 1, term, position);
            expected.Add((position, term));
            if (step % 100 == 0) AssertSame(index, expected, seed);
        }
        AssertSame(index, expected, seed);
    }

    [Fact]
    public void Small_entries_cost_about_two_bytes_each()
    {
        var index = new LogIndex();
        for (var i = 1; i <= 1_000_000; i++) index.Add(i, 1, LogIndex.Pack(1, i * 150L));

        Assert.True(index.MemoryBytes < 2.5 * 1_000_000, $"{index.MemoryBytes} bytes for a million entries");
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void From_any_first_index_positions_and_terms_match_a_plain_array_through_appends_truncations_and_dropped_prefixes(int seed)
    {
        var random = new Random(seed);
        var first = 1 + random.NextInt64(1_000_000);
        var index = new LogIndex(first);
        var expected = new List<(long Position, long Term)>();
        int segment = 1;
        long offset = 0, term = 1;
        for (var step = 0; step < 4000; step++)
        {
            var roll = random.Next(100);
            if (roll < 4 && expected.Count > 0)
            {
                var from = first + random.Next(expected.Count);
                index.TruncateFrom(from);
                expected.RemoveRange((int)(from - first), expected.Count - (int)(from - first));
                term++;
            }
            else if (roll < 10)
            {
                // A compaction: the first index moves up, at most past the last entry.
                var drop = random.Next(expected.Count + 1);
                index.DropBefore(first + drop);
                expected.RemoveRange(0, drop);
                first += drop;
            }
            else if (roll < 11)
            {
                // An install: everything goes, the log goes on after the snapshot.
                first = first + expected.Count + random.Next(1000);
                index.Reset(first);
                expected.Clear();
            }
            if (random.Next(40) == 0) (segment, offset) = (segment + 1, 0);
            offset += random.Next(4) switch { 0 => 30, 1 => random.Next(100, 200), 2 => random.Next(1_000, 20_000), _ => random.Next(1, 3_000_000) };
            var position = LogIndex.Pack(segment, offset);
            index.Add(first + expected.Count, term, position);
            expected.Add((position, term));
            if (step % 100 == 0) AssertSame(index, first, expected, seed);
        }
        AssertSame(index, first, expected, seed);
    }

    [Fact]
    public void Below_the_first_index_nothing_is_held()
    {
        var index = new LogIndex(100);
        for (var i = 100; i < 200; i++) index.Add(i, 1, LogIndex.Pack(1, i * 10L));
        index.DropBefore(150);

        Assert.Equal((150L, 199L), (index.FirstIndex, index.LastIndex));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.TermOf(149));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.PositionOf(149));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.PositionsFrom(149));
        Assert.Throws<InvalidOperationException>(() => index.Add(150, 1, 0));
        Assert.Equal(LogIndex.Pack(1, 1500), index.PositionOf(150));
    }

    [Fact]
    public void A_window_of_100_000_sliding_over_10_million_entries_holds_the_memory_of_the_window()
    {
        const int window = 100_000;
        var index = new LogIndex();
        long largest = 0;
        for (var i = 1; i <= 10_000_000; i++)
        {
            index.Add(i, 1 + i / 1_000_000, LogIndex.Pack(1 + i / 100_000, i * 150L % 60_000_000));
            if (i % 10_000 == 0 && i > window)
            {
                index.DropBefore(i - window + 1);
                largest = Math.Max(largest, index.MemoryBytes);
            }
        }

        // 2 bytes an entry: 200 KB of deltas for the window, in 64 KiB blocks, plus its chunks and runs.
        Assert.Equal(10_000_000 - window + 1, index.FirstIndex);
        Assert.True(largest < 600_000, $"{largest} bytes at most for a window of {window} entries");
        Assert.Equal(LogIndex.Pack(100, 9_999_999 * 150L % 60_000_000), index.PositionOf(9_999_999));
    }

    private static void AssertSame(LogIndex index, List<(long Position, long Term)> expected, int seed) => AssertSame(index, 1, expected, seed);

    private static void AssertSame(LogIndex index, long first, List<(long Position, long Term)> expected, int seed)
    {
        Assert.Equal(first, index.FirstIndex);
        Assert.Equal(first + expected.Count - 1, index.LastIndex);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i] == (index.PositionOf(first + i), index.TermOf(first + i)), $"seed {seed}: entry {first + i} differs");
        }
        for (var from = 0; from < expected.Count; from += 37)
        {
            Assert.True(expected.Skip(from).Select(e => e.Position).SequenceEqual(index.PositionsFrom(first + from)), $"seed {seed}: positions from {first + from} differ");
        }
    }
}
