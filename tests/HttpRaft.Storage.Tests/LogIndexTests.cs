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

    [Fact]
    public void Above_the_last_index_nothing_is_held()
    {
        var index = Filled(1, 10);

        Assert.Throws<ArgumentOutOfRangeException>(() => index.TermOf(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.PositionOf(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.PositionsFrom(11));
    }

    [Fact]
    public void A_position_packs_any_segment_and_any_offset_below_4_GiB()
    {
        foreach (var segment in new[] { 0, 1, 7, int.MaxValue })
        {
            foreach (var offset in new[] { 0L, 1L, 1L << 31, uint.MaxValue })
            {
                Assert.Equal((segment, offset), LogIndex.Unpack(LogIndex.Pack(segment, offset)));
            }
        }
    }

    [Fact]
    public void Record_lengths_at_each_varint_byte_boundary_give_back_their_positions()
    {
        // Each length is a delta there and back, so both signs cross each byte boundary of the zigzag varint:
        // 64 is the first positive delta of two bytes, -65 the first negative one, and so on; 3.5e9 takes five.
        long[] lengths = [63, 64, 65, 8191, 8192, 8193, 1_048_575, 1_048_576, 1_048_577, 134_217_727, 134_217_728, 134_217_729];
        var offsets = new List<long> { 0 };
        foreach (var length in lengths) offsets.AddRange([1_000_000 + length, 1_000_000]);
        offsets.AddRange([3_500_000_000, 0]);
        var index = new LogIndex();
        for (var i = 0; i < offsets.Count; i++) index.Add(i + 1, 1, LogIndex.Pack(1, offsets[i]));

        var expected = offsets.Select(o => LogIndex.Pack(1, o)).ToList();
        Assert.Equal(expected, Enumerable.Range(1, offsets.Count).Select(i => index.PositionOf(i)));
        Assert.Equal(expected, index.PositionsFrom(1));
    }

    [Fact]
    public void Truncating_past_the_last_entry_changes_nothing_and_from_it_forgets_only_it()
    {
        var index = Filled(1, 10);
        var positions = index.PositionsFrom(1).ToList();

        index.TruncateFrom(15);
        Assert.Equal((1L, 10L), (index.FirstIndex, index.LastIndex));
        Assert.Equal(positions, index.PositionsFrom(1));

        index.TruncateFrom(10);
        Assert.Equal((1L, 9L), (index.FirstIndex, index.LastIndex));
        Assert.Equal(positions[..9], index.PositionsFrom(1));
    }

    [Fact]
    public void Truncating_from_the_first_entry_or_before_it_empties_the_index_at_its_first_index()
    {
        var whole = Filled(1, 10);
        whole.TruncateFrom(1);
        Assert.Equal((1L, 0L, true), (whole.FirstIndex, whole.LastIndex, whole.IsEmpty));

        var compacted = Filled(100, 199);
        compacted.DropBefore(130);
        compacted.TruncateFrom(120);
        Assert.Equal((130L, 129L, true), (compacted.FirstIndex, compacted.LastIndex, compacted.IsEmpty));
        compacted.Add(130, 5, LogIndex.Pack(3, 40));
        Assert.Equal((LogIndex.Pack(3, 40), 5L), (compacted.PositionOf(130), compacted.TermOf(130)));
    }

    [Fact]
    public void A_term_or_segment_that_begins_at_the_new_last_entry_survives_truncation()
    {
        var index = Filled(1, 10);
        index.Add(11, 2, LogIndex.Pack(2, 0));
        index.Add(12, 2, LogIndex.Pack(2, 100));

        index.TruncateFrom(12);

        Assert.Equal((LogIndex.Pack(2, 0), 2L), (index.PositionOf(11), index.TermOf(11)));
        Assert.Equal((LogIndex.Pack(1, 1000), 1L), (index.PositionOf(10), index.TermOf(10)));
    }

    [Fact]
    public void Dropping_before_an_index_at_or_below_the_first_changes_nothing()
    {
        var index = Filled(100, 199);
        index.DropBefore(150);

        index.DropBefore(120);
        index.DropBefore(150);

        Assert.Equal((150L, 199L), (index.FirstIndex, index.LastIndex));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.PositionOf(149));
        Assert.Equal(LogIndex.Pack(1, 15_000), index.PositionOf(150));

        var empty = new LogIndex(100);
        empty.DropBefore(50);
        Assert.Equal((100L, 99L), (empty.FirstIndex, empty.LastIndex));
    }

    [Fact]
    public void Dropping_up_to_the_next_index_empties_the_index_there_and_dropping_past_it_is_refused()
    {
        var index = Filled(1, 10);

        index.DropBefore(10);
        Assert.Equal((10L, 10L), (index.FirstIndex, index.LastIndex));
        index.DropBefore(11);
        Assert.Equal((11L, 10L, true), (index.FirstIndex, index.LastIndex, index.IsEmpty));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.DropBefore(13));
        Assert.Equal((11L, 10L), (index.FirstIndex, index.LastIndex));

        index.Add(11, 1, LogIndex.Pack(2, 0));
        Assert.Equal(LogIndex.Pack(2, 0), index.PositionOf(11));
    }

    [Fact]
    public void Segment_runs_name_each_segment_from_its_first_held_entry()
    {
        var index = new LogIndex();
        Assert.Null(index.FirstSegment);
        Assert.Empty(index.SegmentRuns);

        index.Add(1, 1, LogIndex.Pack(1, 0));
        Assert.Equal(1, index.FirstSegment);
        Assert.Equal([(1L, 1)], index.SegmentRuns);

        for (var i = 2; i <= 100; i++) index.Add(i, 1, LogIndex.Pack(i <= 40 ? 1 : i <= 70 ? 2 : 3, i * 10L));
        Assert.Equal([(1L, 1), (41L, 2), (71L, 3)], index.SegmentRuns);

        // Dropped exactly at a segment's first entry, the segment before it holds nothing any more.
        index.DropBefore(41);
        Assert.Equal(2, index.FirstSegment);
        Assert.Equal([(41L, 2), (71L, 3)], index.SegmentRuns);

        index.DropBefore(50);
        Assert.Equal(2, index.FirstSegment);
        Assert.Equal([(50L, 2), (71L, 3)], index.SegmentRuns);
    }

    [Fact]
    public void A_first_index_below_1_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogIndex(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Filled(1, 5).Reset(0));
    }

    [Fact]
    public void Reset_forgets_every_entry_and_releases_all_memory()
    {
        var index = new LogIndex();
        for (var i = 1; i <= 200; i++) index.Add(i, i <= 100 ? 1 : 2, LogIndex.Pack(i <= 150 ? 1 : 2, i * 10L));

        index.Reset(500);

        Assert.Equal((500L, 499L, true, (int?)null), (index.FirstIndex, index.LastIndex, index.IsEmpty, index.FirstSegment));
        Assert.Empty(index.SegmentRuns);
        Assert.Equal(0, index.MemoryBytes);
        index.Add(500, 2, LogIndex.Pack(3, 7));
        Assert.Equal((LogIndex.Pack(3, 7), 2L, (int?)3), (index.PositionOf(500), index.TermOf(500), index.FirstSegment));
    }

    [Fact]
    public void The_memory_figure_is_the_delta_blocks_and_16_bytes_for_each_slot_of_chunks_terms_and_segments()
    {
        // 4096 entries, each with its own term and segment: 64 chunks, 4096 runs of each, and 4032 one-byte deltas
        // in one 64 KiB block. The lists' arrays grow by doubling from 4, so these counts fill them exactly.
        var index = new LogIndex();
        for (var i = 1; i <= 4096; i++) index.Add(i, i, LogIndex.Pack(i, 0));

        Assert.Equal(65_536 + 16 * (64 + 4096 + 4096), index.MemoryBytes);
    }

    /// <summary>Entries first..last in term 1 and segment 1, entry i at offset 100 i.</summary>
    private static LogIndex Filled(long first, long last)
    {
        var index = new LogIndex(first);
        for (var i = first; i <= last; i++) index.Add(i, 1, LogIndex.Pack(1, i * 100));
        return index;
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
