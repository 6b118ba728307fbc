namespace HttpRaft.Storage.Tests;

/// <summary>The compact index answers exactly what a plain array of positions and terms would, through appends and truncations.</summary>
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

    private static void AssertSame(LogIndex index, List<(long Position, long Term)> expected, int seed)
    {
        Assert.Equal(expected.Count, index.LastIndex);
        for (var i = 1; i <= expected.Count; i++)
        {
            Assert.True(expected[i - 1] == (index.PositionOf(i), index.TermOf(i)), $"seed {seed}: entry {i} differs");
        }
        for (var from = 1; from <= expected.Count; from += 37)
        {
            Assert.True(expected.Skip(from - 1).Select(e => e.Position).SequenceEqual(index.PositionsFrom(from)), $"seed {seed}: positions from {from} differ");
        }
    }
}
