using HttpRaft.AspNetCore.Idempotency;

namespace HttpRaft.Tests.Idempotency;

/// <summary>The table of remembered keys: forgotten oldest first as the window moves, and the first append with a key wins.</summary>
public sealed class DedupTableTests
{
    [Fact]
    public void Keys_whose_entries_leave_the_window_are_forgotten()
    {
        var table = new DedupTable();
        table.Add("a", Append(1));
        table.Add("b", Append(2));
        table.Add("c", Append(3));

        table.ForgetThrough(1);

        Assert.Equal(2, table.Count);
        Assert.False(table.TryGet("a", out _));
        Assert.True(table.TryGet("b", out var b) && b.FirstIndex == 2);
        Assert.True(table.TryGet("c", out var c) && c.FirstIndex == 3);
    }

    [Fact]
    public void A_second_append_with_a_known_key_does_not_change_its_answer()
    {
        var table = new DedupTable();
        table.Add("a", Append(1));
        table.Add("a", Append(7));

        Assert.True(table.TryGet("a", out var a));
        Assert.Equal(1, a.FirstIndex);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void A_snapshot_of_the_table_holds_the_keys_through_its_index_and_loads_back_in_order()
    {
        var table = new DedupTable();
        table.Add("a", Hashed(1));
        table.Add("b", Hashed(5));
        table.Add("c", Hashed(9));
        var loaded = new DedupTable();

        var problem = loaded.Load(table.Encode(throughIndex: 5));
        loaded.ForgetThrough(1);

        Assert.Null(problem);
        Assert.Equal(1, loaded.Count);
        Assert.True(loaded.TryGet("b", out var b));
        Assert.Equal((5L, 6L, 2L), (b.FirstIndex, b.LastIndex, b.Term));
        Assert.True(b.SameRequest(Hashed(5).RequestHash));
        Assert.False(loaded.TryGet("c", out _));
    }

    [Fact]
    public void A_damaged_snapshot_table_is_reported_and_leaves_the_table_empty()
    {
        var table = new DedupTable();
        table.Add("a", Hashed(1));
        table.Add("b", Hashed(2));
        var encoded = table.Encode(throughIndex: 2);
        var loaded = new DedupTable();
        loaded.Add("old", Hashed(1));

        Assert.NotNull(loaded.Load(encoded.AsSpan(0, encoded.Length - 1)));
        Assert.Equal(0, loaded.Count);
        Assert.NotNull(loaded.Load([9, 0, 0, 0, 0]));
        Assert.NotNull(loaded.Load([.. encoded, 0]));
        Assert.NotNull(loaded.Load([]));
        Assert.Null(loaded.Load(encoded));
        Assert.Equal(2, loaded.Count);
    }

    private static KeyedAppend Hashed(long index) =>
        new(index, index + 1, 2, [.. Enumerable.Range(0, KeyedEnvelope.HashBytes).Select(i => (byte)(i + index))]);

    private static KeyedAppend Append(long index) => new(index, index, 1, [1, 2, 3]);
}
